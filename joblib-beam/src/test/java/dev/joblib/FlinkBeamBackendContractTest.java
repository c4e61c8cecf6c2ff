package dev.joblib;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The backend contract on a second real runner: Beam's Flink runner with an embedded Flink cluster
 * ({@code --flinkMaster=[local]}) in the test JVM. Tests tagged {@code incremental} are excluded in
 * this module's pom, as on the DirectRunner. In package {@code dev.joblib} so that it can exclude
 * one inherited test, with its reason.
 */
class FlinkBeamBackendContractTest extends ParallelBackendContract {
  @Override
  protected String backendId() {
    return "beam";
  }

  @Override
  protected Parallel parallel(int nJobs) {
    return super.parallel(nJobs).option("runner", "FlinkRunner").option("flinkMaster", "[local]");
  }

  /** Excluded on this runner only; the DirectRunner subclass runs it. */
  @Override
  @Test
  @Disabled(
      "preDispatch(\"3*n_jobs\") of 500 tasks is 84 waves, hence 84 Flink jobs at 2.5-4 s each"
          + " (a new embedded cluster per job): past the suite's 120 s limit. Order and batching"
          + " are the same code as on the DirectRunner, where the test runs.")
  void fixedBatchSizeAndPreDispatchKeepOrder() {}
}
