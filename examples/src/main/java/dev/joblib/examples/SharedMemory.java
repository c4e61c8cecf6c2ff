package dev.joblib.examples;

import dev.joblib.Parallel;
import dev.joblib.Require;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * joblib's shared-memory example: tasks write into one collection of the caller's. {@code
 * require(SHAREDMEM)} guarantees they run on threads of this JVM, whatever backend an enclosing
 * scope selects, so they see the very same object.
 */
public final class SharedMemory {
  private SharedMemory() {}

  /**
   * Adds 0..99 to a shared set from 4 threads and prints its size.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Set<Integer> shared = ConcurrentHashMap.newKeySet();
    List<Integer> items = IntStream.range(0, 100).boxed().collect(Collectors.toList());
    Parallel.create().nJobs(4).require(Require.SHAREDMEM).map(items, shared::add);
    System.out.println("shared set holds " + shared.size() + " values");
  }
}
