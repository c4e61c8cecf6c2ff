package com.example.tinypool;

import dev.joblib.ParallelBackendContract;

/**
 * Joblib's backend contract on a plug-in built outside joblib, with only joblib-local's test-jar
 * (the contract suites) added: no HDFS or S3 server library is on this module's test class path.
 */
class TinyPoolBackendContractTest extends ParallelBackendContract {
  @Override
  protected String backendId() {
    return TinyPoolBackend.ID;
  }
}
