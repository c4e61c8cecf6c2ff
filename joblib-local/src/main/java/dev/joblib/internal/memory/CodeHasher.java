package dev.joblib.internal.memory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Hashes the bytecode of one method, read with ASM from its class file, so that editing a cached
 * function's body changes its key. Debug information (line numbers, local variable names) is left
 * out, so moving a method in its file does not invalidate its cache. Lambda bodies the method
 * creates in the same class ({@code lambda$...} synthetic methods) are hashed with it.
 */
final class CodeHasher {
  private static final int API = Opcodes.ASM9;

  private CodeHasher() {}

  /**
   * Hashes a method of a class.
   *
   * @param loader the loader that defined the class (its class file is read as a resource)
   * @param className the binary name, with dots
   * @param methodName the method's name
   * @param descriptor the method's descriptor, or null to hash every method with that name
   * @return 32 hex characters, or empty when the class file or the method cannot be found
   */
  static Optional<String> hash(
      ClassLoader loader, String className, String methodName, String descriptor) {
    byte[] classFile = classFile(loader, className);
    if (classFile == null) {
      return Optional.empty();
    }
    MessageDigest digest = sha256();
    Set<String> done = new HashSet<>();
    Deque<String[]> todo = new ArrayDeque<>();
    todo.add(new String[] {methodName, descriptor});
    ClassReader reader = new ClassReader(classFile);
    String internalName = reader.getClassName();
    boolean found = false;
    while (!todo.isEmpty()) {
      String[] next = todo.poll();
      if (!done.add(next[0] + next[1])) {
        continue;
      }
      MethodHashingVisitor visitor =
          new MethodHashingVisitor(digest, internalName, next[0], next[1], todo);
      reader.accept(visitor, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      found |= visitor.matched;
    }
    if (!found) {
      return Optional.empty();
    }
    return Optional.of(HexFormat.of().formatHex(Arrays.copyOf(digest.digest(), 16)));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static byte[] classFile(ClassLoader loader, String className) {
    String resource = className.replace('.', '/') + ".class";
    ClassLoader source = loader != null ? loader : ClassLoader.getSystemClassLoader();
    try (InputStream in = source.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  /** Feeds the instructions of the matching methods into a digest. */
  private static final class MethodHashingVisitor extends ClassVisitor {
    private final MessageDigest digest;
    private final String owner;
    private final String name;
    private final String descriptor;
    private final Deque<String[]> todo;
    boolean matched;

    MethodHashingVisitor(
        MessageDigest digest, String owner, String name, String descriptor, Deque<String[]> todo) {
      super(API);
      this.digest = digest;
      this.owner = owner;
      this.name = name;
      this.descriptor = descriptor;
      this.todo = todo;
    }

    @Override
    public MethodVisitor visitMethod(
        int access, String methodName, String desc, String signature, String[] exceptions) {
      if (!methodName.equals(name) || (descriptor != null && !descriptor.equals(desc))) {
        return null;
      }
      matched = true;
      put("method", methodName, desc, Integer.toString(access));
      return new InstructionHasher();
    }

    private void put(String... parts) {
      for (String part : parts) {
        digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
    }

    private void putConstant(Object value) {
      if (value instanceof Handle handle) {
        put("handle", Integer.toString(handle.getTag()), handle.getOwner(), handle.getName());
        put(handle.getDesc());
        if (handle.getOwner().equals(owner) && handle.getName().startsWith("lambda$")) {
          todo.add(new String[] {handle.getName(), handle.getDesc()});
        }
      } else if (value instanceof ConstantDynamic condy) {
        put("condy", condy.getName(), condy.getDescriptor());
        putConstant(condy.getBootstrapMethod());
        for (int i = 0; i < condy.getBootstrapMethodArgumentCount(); i++) {
          putConstant(condy.getBootstrapMethodArgument(i));
        }
      } else if (value instanceof Type type) {
        put("type", type.getDescriptor());
      } else {
        put(value == null ? "null" : value.getClass().getSimpleName(), String.valueOf(value));
      }
    }

    private final class InstructionHasher extends MethodVisitor {
      private final Map<Label, Integer> labels = new HashMap<>();

      InstructionHasher() {
        super(API);
      }

      private String label(Label label) {
        return "L" + labels.computeIfAbsent(label, l -> labels.size());
      }

      @Override
      public void visitInsn(int opcode) {
        put("i", Integer.toString(opcode));
      }

      @Override
      public void visitIntInsn(int opcode, int operand) {
        put("ii", Integer.toString(opcode), Integer.toString(operand));
      }

      @Override
      public void visitVarInsn(int opcode, int varIndex) {
        put("v", Integer.toString(opcode), Integer.toString(varIndex));
      }

      @Override
      public void visitTypeInsn(int opcode, String type) {
        put("t", Integer.toString(opcode), type);
      }

      @Override
      public void visitFieldInsn(int opcode, String fieldOwner, String fieldName, String desc) {
        put("f", Integer.toString(opcode), fieldOwner, fieldName, desc);
      }

      @Override
      public void visitMethodInsn(
          int opcode, String methodOwner, String methodName, String desc, boolean isInterface) {
        put("m", Integer.toString(opcode), methodOwner, methodName, desc);
      }

      @Override
      public void visitInvokeDynamicInsn(
          String indyName, String desc, Handle bootstrap, Object... bootstrapArgs) {
        put("indy", indyName, desc);
        putConstant(bootstrap);
        for (Object arg : bootstrapArgs) {
          putConstant(arg);
        }
      }

      @Override
      public void visitJumpInsn(int opcode, Label label) {
        put("j", Integer.toString(opcode), label(label));
      }

      @Override
      public void visitLabel(Label label) {
        put("l", label(label));
      }

      @Override
      public void visitLdcInsn(Object value) {
        put("ldc");
        putConstant(value);
      }

      @Override
      public void visitIincInsn(int varIndex, int increment) {
        put("inc", Integer.toString(varIndex), Integer.toString(increment));
      }

      @Override
      public void visitTableSwitchInsn(int min, int max, Label dflt, Label... targets) {
        put("ts", Integer.toString(min), Integer.toString(max), label(dflt));
        for (Label target : targets) {
          put(label(target));
        }
      }

      @Override
      public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] targets) {
        put("ls", label(dflt), Arrays.toString(keys));
        for (Label target : targets) {
          put(label(target));
        }
      }

      @Override
      public void visitMultiANewArrayInsn(String desc, int numDimensions) {
        put("ma", desc, Integer.toString(numDimensions));
      }

      @Override
      public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        put("try", label(start), label(end), label(handler), type);
      }
    }
  }
}
