package dev.joblib.spi;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Checks, before anything is submitted, that a value can be sent to another JVM; the error names
 * the path to the first value that cannot, such as {@code task 0.function.capturedArg[1].client
 * (com.acme.HttpClient)}.
 *
 * <p>For backends whose workers run in other JVMs ({@link Capability#REMOTE}): the core already
 * checks task 0 of every call; a backend that serializes tasks or results itself calls this on the
 * value that failed, so that the user sees which field to fix instead of a bare {@code
 * NotSerializableException}.
 *
 * <pre>{@code
 * try {
 *   out.write(serialize(batch));
 * } catch (IOException e) {                         // the batch did not serialize: say which task
 *   for (int i = 0; i < batch.size(); i++) {
 *     int index = batch.firstIndex() + i;
 *     try {
 *       SerializationCheck.requireSerializable(batch.tasks().get(i), "task " + index);
 *     } catch (IllegalArgumentException named) {   // names the task's field that does not
 *       sink.accept(BatchOutcome.failure(batch, index, named));
 *       return;
 *     }
 *   }
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class SerializationCheck {
  private static final int MAX_VISITS = 100_000;

  private SerializationCheck() {}

  /**
   * Serializes {@code value} into nothing.
   *
   * @param value the value to check
   * @param what how the value is named in the error, such as "task 0"
   * @throws IllegalArgumentException if it does not serialize, naming the offending field
   */
  public static void requireSerializable(Object value, String what) {
    try (ObjectOutputStream out = new ObjectOutputStream(OutputStream.nullOutputStream())) {
      out.writeObject(value);
    } catch (NotSerializableException e) {
      String path = findUnserializable(value, what);
      throw new IllegalArgumentException(
          what
              + " cannot be sent to the workers: "
              + (path != null ? path : e.getMessage())
              + " is not Serializable (make it Serializable, mark the field transient, or create it"
              + " inside the task)",
          e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(what + " cannot be serialized: " + e, e);
    }
  }

  /** Depth-first search for the first reachable value whose class is not serializable. */
  static String findUnserializable(Object root, String rootName) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, rootName});
    int visits = 0;
    while (!stack.isEmpty() && visits++ < MAX_VISITS) {
      Object[] entry = stack.pop();
      Object value = entry[0];
      String path = (String) entry[1];
      if (value == null || !seen.add(value)) {
        continue;
      }
      Object replaced = lambdaForm(value);
      if (replaced instanceof SerializedLambda lambda) {
        for (int i = lambda.getCapturedArgCount() - 1; i >= 0; i--) {
          stack.push(new Object[] {lambda.getCapturedArg(i), path + ".capturedArg[" + i + "]"});
        }
        continue;
      }
      Class<?> type = value.getClass();
      if (!(value instanceof Serializable)) {
        return path + " (" + type.getName() + ")";
      }
      if (type.isArray()) {
        if (!type.getComponentType().isPrimitive()) {
          for (int i = Array.getLength(value) - 1; i >= 0; i--) {
            stack.push(new Object[] {Array.get(value, i), path + "[" + i + "]"});
          }
        }
        continue;
      }
      if (value instanceof java.util.Collection<?> items) {
        int i = 0;
        for (Object item : items) {
          stack.push(new Object[] {item, path + "[" + i++ + "]"});
        }
      } else if (value instanceof java.util.Map<?, ?> map) {
        map.forEach(
            (k, v) -> {
              stack.push(new Object[] {k, path + ".key(" + k + ")"});
              stack.push(new Object[] {v, path + "[" + k + "]"});
            });
      } else {
        pushFields(value, path, stack);
      }
    }
    return null;
  }

  private static void pushFields(Object value, String path, Deque<Object[]> stack) {
    for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      if (c.getName().startsWith("java.")) {
        return; // JDK types serialize their own way; collections and maps are walked above
      }
      for (Field field : c.getDeclaredFields()) {
        int mods = field.getModifiers();
        if (Modifier.isStatic(mods)
            || Modifier.isTransient(mods)
            || field.getType().isPrimitive()) {
          continue;
        }
        try {
          field.setAccessible(true);
          stack.push(new Object[] {field.get(value), path + "." + field.getName()});
        } catch (RuntimeException | IllegalAccessException e) {
          // an inaccessible field cannot be named; the exception's own message is used instead
        }
      }
    }
  }

  /** The {@link SerializedLambda} a serializable lambda writes in its place, or null. */
  private static Object lambdaForm(Object value) {
    Class<?> type = value.getClass();
    if (!type.isSynthetic()) {
      return null;
    }
    try {
      Method writeReplace = type.getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      return writeReplace.invoke(value);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
