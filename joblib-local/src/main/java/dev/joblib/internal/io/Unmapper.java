package dev.joblib.internal.io;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;

/**
 * Releases a mapping this library created for its own copying (never one handed to the user), so
 * that the file can be renamed or deleted at once, also on Windows. Uses {@code
 * sun.misc.Unsafe.invokeCleaner}; where that is missing the mapping is left to the GC.
 */
final class Unmapper {
  private static final Object UNSAFE;
  private static final Method INVOKE_CLEANER;

  static {
    Object unsafe = null;
    Method m = null;
    try {
      Class<?> c = Class.forName("sun.misc.Unsafe");
      Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      unsafe = f.get(null);
      m = c.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      unsafe = null;
      m = null;
    }
    UNSAFE = unsafe;
    INVOKE_CLEANER = m;
  }

  private Unmapper() {}

  static void unmap(MappedByteBuffer buffer) {
    if (INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invoke(UNSAFE, buffer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // the GC unmaps it later; nothing is lost
    }
  }
}
