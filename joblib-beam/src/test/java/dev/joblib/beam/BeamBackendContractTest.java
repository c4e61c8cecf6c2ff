package dev.joblib.beam;

import dev.joblib.ParallelBackendContract;

/**
 * The backend contract on Beam's DirectRunner. Tests tagged {@code incremental} are excluded in
 * this module's pom: results come back when the pipeline is done, so the backend does not declare
 * {@code INCREMENTAL_RESULTS}.
 */
class BeamBackendContractTest extends ParallelBackendContract {
  @Override
  protected String backendId() {
    return BeamBackend.ID;
  }
}
