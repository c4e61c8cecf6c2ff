package dev.joblib.beam;

import dev.joblib.Parallel;
import dev.joblib.ParallelBackendContract;

/**
 * The backend contract on a second real runner: Beam's Flink runner with an embedded Flink cluster
 * ({@code --flinkMaster=[local]}) in the test JVM. Tests tagged {@code incremental} are excluded in
 * this module's pom, as on the DirectRunner: results come back when a pipeline is done.
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
}
