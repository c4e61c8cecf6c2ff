package dev.joblib;

/** The contract on the backend that runs every task in the calling thread. */
class SequentialBackendContractTest extends ParallelBackendContract {
  @Override
  protected String backendId() {
    return "sequential";
  }

  @Override
  protected int workers() {
    return 1;
  }

  /** joblib: a sequential call leaves its tasks free to run parallel calls of their own. */
  @Override
  protected String expectedNestedBackend() {
    return "threads";
  }
}
