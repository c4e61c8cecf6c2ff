package dev.joblib.internal.memory;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Single flight: of the threads of this JVM that miss the same entry at once, one computes it and
 * the others wait and take its result. When that one fails, a waiting thread computes the call
 * itself (failures are not cached).
 */
final class SingleFlight {
  /** The calls being computed in this JVM, by store and key. */
  private static final ConcurrentHashMap<String, CompletableFuture<Object>> FLIGHTS =
      new ConcurrentHashMap<>();

  private SingleFlight() {}

  /**
   * Returns the entry's value, looked up again before and after waiting, or computes it.
   *
   * @param flightKey the store and the entry's key
   * @param lookup looks the entry up, null on a miss
   * @param compute computes and stores the value, run by one thread at a time per flight key
   * @return the value
   * @throws Exception whatever {@code compute} throws in this thread
   */
  static Object run(String flightKey, Supplier<EntryLookup.Hit> lookup, Callable<Object> compute)
      throws Exception {
    while (true) {
      EntryLookup.Hit hit = lookup.get();
      if (hit != null) {
        return hit.value();
      }
      CompletableFuture<Object> mine = new CompletableFuture<>();
      CompletableFuture<Object> running = FLIGHTS.putIfAbsent(flightKey, mine);
      if (running != null) {
        Object leaderValue;
        try {
          leaderValue = running.get();
        } catch (ExecutionException e) {
          continue; // the leader failed: failures are not cached, so compute it ourselves
        }
        EntryLookup.Hit again = lookup.get();
        return again != null ? again.value() : leaderValue;
      }
      try {
        EntryLookup.Hit again = lookup.get(); // another JVM may have published it meanwhile
        Object value = again != null ? again.value() : compute.call();
        mine.complete(value);
        return value;
      } catch (Throwable t) {
        mine.completeExceptionally(t);
        throw t;
      } finally {
        FLIGHTS.remove(flightKey, mine);
      }
    }
  }
}
