package dev.joblib;

/** The contract on the thread-pool backend. */
class ThreadsBackendContractTest extends ParallelBackendContract {
  @Override
  protected String backendId() {
    return "threads";
  }
}
