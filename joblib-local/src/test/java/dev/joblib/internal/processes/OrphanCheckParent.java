package dev.joblib.internal.processes;

import dev.joblib.Parallel;
import java.util.List;
import java.util.stream.Collectors;

/** A parent JVM for the orphan test: starts two workers, prints their pids, then waits. */
public final class OrphanCheckParent {
  private OrphanCheckParent() {}

  public static void main(String[] args) throws Exception {
    Parallel.create().nJobs(2).backend("processes").map(List.of(1, 2, 3, 4), x -> x);
    List<Long> pids =
        WorkerPool.of(
                ProcessesOptions.from(new dev.joblib.spi.BackendSpec(2, java.util.Map.of(), 0)))
            .pids();
    System.out.println(
        "workers " + pids.stream().map(String::valueOf).collect(Collectors.joining(",")));
    System.out.flush();
    Thread.sleep(120_000);
  }
}
