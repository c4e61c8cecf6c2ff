package dev.joblib;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Child JVM of {@link BoundedLoadTest}, started with a small heap: loads a hostile file and prints
 * what happened ({@code REFUSED <reason>}, {@code LOADED}) with the time and the bytes the load
 * allocated. An {@link OutOfMemoryError} that escapes makes the JVM exit non-zero.
 */
final class BoundedLoadChild {
  static final AtomicInteger CALLS = new AtomicInteger();

  private BoundedLoadChild() {}

  /** Allocates in its readObject what its stream declares, as a careless user class may. */
  static final class Hog implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int size;
    private transient long[] data;

    Hog(int size) {
      this.size = size;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      data = new long[size];
    }

    int length() {
      return data.length;
    }
  }

  static String square(int x) {
    CALLS.incrementAndGet();
    return "square=" + x * x;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Path path = Path.of(args[1]);
    long allocatedBefore = allocated();
    long start = System.nanoTime();
    String what;
    try {
      what = run(mode, path);
    } catch (PersistenceException e) {
      what = "REFUSED " + e.reason() + " " + e.getMessage();
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println(what);
    System.out.println(
        "cost: " + ms + " ms, allocated " + (allocated() - allocatedBefore) / 1024 + " KiB");
  }

  private static String run(String mode, Path path) throws IOException {
    switch (mode) {
      case "file":
        Object v = Joblib.load(path);
        return "LOADED " + (v == null ? "null" : v.getClass().getName());
      case "stream":
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
          Object s = Joblib.load(in);
          return "LOADED " + (s == null ? "null" : s.getClass().getName());
        }
      case "file-unlimited":
        // no decompression limit: the block must still grow only as its bytes arrive
        Object u =
            Joblib.load(path, LoadOptions.defaults().withMaxDecompressedBytes(Long.MAX_VALUE));
        return "LOADED " + (u == null ? "null" : u.getClass().getName());
      case "memory-hog":
        return memoryHog(path);
      default:
        throw new IllegalArgumentException(mode);
    }
  }

  /** A cache entry replaced by a value whose load runs out of memory: deleted and recomputed. */
  private static String memoryHog(Path dir) throws IOException {
    Memory memory = Memory.at(dir);
    MemorizedFn1<Integer, String> f = memory.cache(BoundedLoadChild::square);
    String first = f.apply(12);
    Path output;
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> outputs =
          files.filter(p -> p.getFileName().toString().equals("output.joblib")).toList();
      output = outputs.get(0);
    }
    Joblib.dump(new Hog(1 << 29), output); // 4 GiB when read back
    String second = f.apply(12);
    String third = f.apply(12);
    return "MEMORY " + first + " " + second + " " + third + " calls=" + CALLS.get();
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }
}
