package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The contract on the thread-pool backend, and how its pool is kept. */
class ThreadsBackendContractTest extends ParallelBackendContract {
  @Override
  protected String backendId() {
    return "threads";
  }

  @Test
  void anInstanceInTryWithResourcesReusesItsThreadsAndStopsThemOnClose() {
    Set<String> first;
    Set<String> second;
    try (Parallel p = parallel(2).batchSize(1)) {
      first = new TreeSet<>(p.map(range(20), ThreadsBackendContractTest::slowThreadName));
      second = new TreeSet<>(p.map(range(20), ThreadsBackendContractTest::slowThreadName));
    }
    assertThat(first).hasSize(2).isEqualTo(second);
    for (Thread worker : Thread.getAllStackTraces().keySet()) {
      if (first.contains(worker.getName())) {
        assertThat(stopsWithin5s(worker)).as(worker.getName() + " stopped after close()").isTrue();
      }
    }
  }

  private static boolean stopsWithin5s(Thread t) {
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  static String slowThreadName(int x) throws InterruptedException {
    Thread.sleep(5);
    return Thread.currentThread().getName();
  }

  @Test
  void callsOnSeparateInstancesDoNotShareWorkers() {
    List<String> a = parallel(2).map(range(4), x -> Thread.currentThread().getName());
    List<String> b = parallel(2).map(range(4), x -> Thread.currentThread().getName());
    assertThat(new TreeSet<>(a)).doesNotContainAnyElementsOf(b);
  }
}
