package dev.joblib.beam.internal;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.sdk.values.KV;

/**
 * Makes the batches of a wave start in input order on a runner that runs in this JVM (the
 * DirectRunner), whatever order it hands its elements to the workers in: each element is a ticket
 * for the next batch not yet started. Fail-fast depends on this: an early failure stops the later
 * batches only if it happens before they start. Runners in other JVMs process the elements as they
 * come (the Flink runner keeps their order).
 */
final class InOrderTickets {
  private static final ConcurrentHashMap<String, Queue<KV<Long, byte[]>>> WAVES =
      new ConcurrentHashMap<>();

  private InOrderTickets() {}

  /** Registers a wave's batches, in input order, under its staging directory. */
  static void register(String stagingPath, List<KV<Long, byte[]>> batchesInOrder) {
    WAVES.put(stagingPath, new ConcurrentLinkedQueue<>(batchesInOrder));
  }

  /** Forgets a wave once its pipeline has ended. */
  static void unregister(String stagingPath) {
    WAVES.remove(stagingPath);
  }

  /**
   * The batch to run for an element: the wave's next batch in input order when the wave is
   * registered in this JVM (every element takes exactly one), else the element's own.
   */
  static KV<Long, byte[]> next(String stagingPath, KV<Long, byte[]> element) {
    Queue<KV<Long, byte[]>> queue = WAVES.get(stagingPath);
    KV<Long, byte[]> ticket = queue == null ? null : queue.poll();
    return ticket != null ? ticket : element;
  }
}
