package dev.joblib;

/** The contract on the pool of worker JVMs. */
class ProcessesBackendContractTest extends ParallelBackendContract {
  @Override
  protected String backendId() {
    return "processes";
  }

  @Override
  protected String expectedNestedBackend() {
    return "threads";
  }
}
