package dev.joblib.internal.memory;

import dev.joblib.Joblib;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a cached function is: its declaring class and method (read from the {@link SerializedLambda}
 * of a lambda or method reference), a hash of that method's bytecode, and a hash of the values it
 * captures. Computed once when the function is cached and carried with it to worker JVMs, so that
 * workers agree with the caller on the key.
 *
 * @param functionId {@code <package.Class>/<method>}, the entry directory below {@code joblib/}
 * @param displayName {@code Class.method} for log lines
 * @param codeHash the bytecode hash, {@code "version:<v>"} when a version was given, or {@code
 *     "unknown"} when the class file could not be read
 * @param capturedHash the hash of the captured values (or of the function object's fields)
 * @param parameterNames the names of the function's parameters, {@code arg0...} when the class was
 *     compiled without {@code -parameters}
 * @param types where the function's declared types are found (what an entry's load admits), or null
 *     for a Memory that caches nothing
 */
record FunctionIdentity(
    String functionId,
    String displayName,
    String codeHash,
    String capturedHash,
    List<String> parameterNames,
    FunctionTypes types)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final System.Logger LOG = System.getLogger("dev.joblib.Memory");
  private static final ConcurrentHashMap<String, Boolean> WARNED = new ConcurrentHashMap<>();

  /**
   * Identifies a function.
   *
   * @param fn a serializable lambda, method reference or object implementing one of the {@code FnN}
   *     interfaces
   * @param interfaceMethod the functional method's name ({@code "apply"} or {@code "call"})
   * @param arity the number of arguments
   * @throws IllegalArgumentException if a value the function captures cannot be hashed
   */
  static FunctionIdentity of(Object fn, String interfaceMethod, int arity) {
    Class<?> type = fn.getClass();
    SerializedLambda lambda = type.isSynthetic() ? serializedLambda(fn) : null;
    if (lambda == null) {
      return ofObject(fn, type, interfaceMethod, arity);
    }
    String implClass = lambda.getImplClass().replace('/', '.');
    String method = lambda.getImplMethodName();
    List<Object> captured = new ArrayList<>();
    for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
      captured.add(lambda.getCapturedArg(i));
    }
    String capturedHash = hashCaptured(captured, implClass + "." + method);
    ClassLoader loader = loaderOf(implClass, type.getClassLoader());
    String code =
        CodeHasher.hash(loader, implClass, method, lambda.getImplMethodSignature())
            .orElseGet(() -> unknownCode(implClass + "." + method));
    List<String> names =
        parameterNames(loader, implClass, method, lambda.getImplMethodSignature(), arity);
    FunctionTypes types =
        new FunctionTypes(implClass, method, lambda.getImplMethodSignature(), arity);
    return new FunctionIdentity(
        implClass + "/" + method, displayName(implClass, method), code, capturedHash, names, types);
  }

  private static FunctionIdentity ofObject(
      Object fn, Class<?> type, String interfaceMethod, int arity) {
    String className = type.getName();
    String capturedHash = hashCaptured(fn, className);
    String code =
        CodeHasher.hash(type.getClassLoader(), className, interfaceMethod, null)
            .orElseGet(() -> unknownCode(className + "." + interfaceMethod));
    List<String> names = new ArrayList<>();
    for (Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(interfaceMethod) && m.getParameterCount() == arity && !m.isBridge()) {
        for (Parameter p : m.getParameters()) {
          names.add(p.getName());
        }
        break;
      }
    }
    if (names.size() != arity) {
      names = defaultNames(arity);
    }
    return new FunctionIdentity(
        className + "/" + interfaceMethod,
        displayName(className, interfaceMethod),
        code,
        capturedHash,
        List.copyOf(names),
        new FunctionTypes(className, interfaceMethod, null, arity));
  }

  /** Returns a copy whose code hash is replaced by an explicit version. */
  FunctionIdentity withVersion(String version) {
    return new FunctionIdentity(
        functionId, displayName, "version:" + version, capturedHash, parameterNames, types);
  }

  private static String hashCaptured(Object captured, String where) {
    try {
      return Joblib.hash(captured);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "fn: the function "
              + where
              + " captures a value that cannot be hashed, so it cannot be part of a cache key: "
              + e.getMessage(),
          e);
    }
  }

  private static String unknownCode(String where) {
    if (WARNED.putIfAbsent(where, Boolean.TRUE) == null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "[Memory] cannot read the bytecode of {0}: editing it will not invalidate its cached"
              + " results; give the cached function a version(...) to control that",
          where);
    }
    return "unknown";
  }

  private static String displayName(String className, String method) {
    String simple = className.substring(className.lastIndexOf('.') + 1);
    return simple + "." + method;
  }

  private static ClassLoader loaderOf(String className, ClassLoader fallback) {
    try {
      ClassLoader loader = Class.forName(className, false, fallback).getClassLoader();
      return loader != null ? loader : ClassLoader.getSystemClassLoader();
    } catch (ClassNotFoundException | LinkageError e) {
      return fallback;
    }
  }

  private static List<String> parameterNames(
      ClassLoader loader, String className, String method, String descriptor, int arity) {
    try {
      Class<?> owner = Class.forName(className, false, loader);
      for (Method m : owner.getDeclaredMethods()) {
        if (m.getName().equals(method)
            && org.objectweb.asm.Type.getMethodDescriptor(m).equals(descriptor)) {
          Parameter[] params = m.getParameters();
          boolean isStatic = java.lang.reflect.Modifier.isStatic(m.getModifiers());
          List<String> names = new ArrayList<>();
          if (!isStatic && params.length == arity - 1) {
            names.add("this");
          }
          // captured values come first in a lambda's implementation method
          int skip = Math.max(0, params.length + names.size() - arity);
          for (int i = skip; i < params.length; i++) {
            names.add(params[i].isNamePresent() ? params[i].getName() : "arg" + names.size());
          }
          if (names.size() == arity) {
            return List.copyOf(names);
          }
        }
      }
    } catch (ClassNotFoundException | LinkageError | SecurityException e) {
      // fall back to positional names
    }
    return defaultNames(arity);
  }

  private static List<String> defaultNames(int arity) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < arity; i++) {
      names.add("arg" + i);
    }
    return List.copyOf(names);
  }

  /**
   * Obtains a lambda's {@link SerializedLambda} the way serialization does (through its {@code
   * writeReplace}), without reflective access to the lambda's class.
   */
  private static SerializedLambda serializedLambda(Object fn) {
    try (LambdaCapture capture = new LambdaCapture()) {
      try {
        capture.writeObject(fn);
      } catch (Found found) {
        return capture.lambda;
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  private static final class Found extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Found() {
      super(null, null, false, false);
    }
  }

  private static final class LambdaCapture extends ObjectOutputStream {
    SerializedLambda lambda;

    LambdaCapture() throws IOException {
      super(OutputStream.nullOutputStream());
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      if (obj instanceof SerializedLambda found) {
        lambda = found;
        throw new Found();
      }
      throw new Found(); // not a lambda: stop before serializing its fields
    }
  }

  @Override
  public String toString() {
    return functionId + "@" + codeHash + Arrays.toString(parameterNames.toArray());
  }
}
