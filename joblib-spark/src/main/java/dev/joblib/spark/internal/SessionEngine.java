package dev.joblib.spark.internal;

import dev.joblib.spi.BackendCall;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.DispatchPolicy;
import dev.joblib.spi.ParallelBackend;
import java.util.Set;

/**
 * The "spark" backend for whichever kind of session the lease gives, decided at its first use: a
 * classic session runs calls as RDD jobs ({@link SparkEngine}), a Spark Connect session as Dataset
 * executions ({@link ConnectEngine}). Task resources (CPUs, GPUs, resource profiles) need a classic
 * session.
 */
public final class SessionEngine implements ParallelBackend {
  private final SessionLease lease;
  private final int requestedNJobs;
  private final ResourceRequest resources;
  private ParallelBackend engine;
  private boolean closed;

  /**
   * Creates the backend; the session is acquired at its first use.
   *
   * @param lease where the session comes from
   * @param requestedNJobs as {@link SparkEngine}
   * @param resources the resources of each Spark task (classic sessions only)
   */
  public SessionEngine(SessionLease lease, int requestedNJobs, ResourceRequest resources) {
    if (requestedNJobs == 0) {
      throw new IllegalArgumentException("nJobs must not be 0, got 0");
    }
    this.lease = lease;
    this.requestedNJobs = requestedNJobs;
    this.resources = resources;
  }

  private synchronized ParallelBackend engine() {
    if (closed) {
      throw new IllegalStateException("the spark backend is closed");
    }
    if (engine == null) {
      if (ClassicSession.isClassic(lease.session())) {
        engine = new SparkEngine(lease, requestedNJobs, resources);
      } else if (resources.equals(ResourceRequest.DEFAULT)) {
        engine = new ConnectEngine(lease, requestedNJobs);
      } else {
        throw new IllegalStateException(
            "backend 'spark': CPUs, GPUs or a resource profile per task ("
                + resources
                + ") need a classic Spark session (stage-level scheduling of RDDs); the session is"
                + " a Spark Connect session");
      }
    }
    return engine;
  }

  @Override
  public String id() {
    return SparkEngine.ID;
  }

  @Override
  public Set<Capability> capabilities() {
    return SparkEngine.CAPABILITIES;
  }

  @Override
  public int nJobs() {
    return engine().nJobs();
  }

  @Override
  public DispatchPolicy dispatchPolicy() {
    return DispatchPolicy.incremental().inWaves(SparkEngine.PRE_DISPATCH);
  }

  @Override
  public BackendCall startCall(CallInfo info, BatchSink sink) {
    return engine().startCall(info, sink);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      if (engine != null) {
        engine.close();
      } else {
        lease.release();
      }
    }
  }

  @Override
  public synchronized void abandon() {
    if (!closed) {
      closed = true;
      if (engine != null) {
        engine.abandon();
      } else {
        lease.abandon();
      }
    }
  }

  @Override
  public String toString() {
    ParallelBackend chosen;
    synchronized (this) {
      chosen = engine;
    }
    return chosen != null ? chosen.toString() : "SparkEngine(nJobs=" + requestedNJobs + ")";
  }
}
