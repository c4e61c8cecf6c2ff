package dev.joblib.spark.internal;

import dev.joblib.BackendFailedException;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.DispatchPolicy;
import dev.joblib.spi.ParallelBackend;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The "spark" backend on a Spark Connect session ({@code sc://}): each batch runs as one Connect
 * execution of the Dataset API (see {@link ConnectCall}), with the code it needs uploaded to the
 * session once ({@link ConnectArtifacts}). nJobs -1 is the server's default parallelism, read with
 * a tiny probe query once per session. A session that can run nothing more (closed, or no longer
 * known to its server) fails the call with a {@link BackendFailedException} naming it; a session
 * joblib connected itself is replaced by its lease instead.
 */
public final class ConnectEngine implements ParallelBackend {
  /** Per session: its server's default parallelism, probed at its first use. */
  private static final Map<SparkSession, Integer> PARALLELISM =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final SessionLease lease;
  private final int requestedNJobs;
  private ThreadPoolExecutor pool;
  private boolean closed;

  /**
   * Creates the backend.
   *
   * @param lease where the (Connect) session comes from
   * @param requestedNJobs positive: at most that many executions at once; negative: the server's
   *     default parallelism (-1), all but one (-2), ...
   */
  public ConnectEngine(SessionLease lease, int requestedNJobs) {
    if (requestedNJobs == 0) {
      throw new IllegalArgumentException("nJobs must not be 0, got 0");
    }
    this.lease = lease;
    this.requestedNJobs = requestedNJobs;
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
    return requestedNJobs > 0 ? requestedNJobs : nJobs(session());
  }

  private int nJobs(SparkSession session) {
    return requestedNJobs > 0
        ? requestedNJobs
        : Math.max(1, parallelism(session) + 1 + requestedNJobs);
  }

  /** The lease's session, refused with the reason when it can run nothing more. */
  private SparkSession session() {
    SparkSession session = lease.session();
    String unusable = ClassicSession.unusable(session);
    if (unusable != null) {
      throw new BackendFailedException(
          SparkEngine.ID,
          "backend 'spark': the "
              + ClassicSession.describe(session)
              + " given to it "
              + unusable
              + "; give the backend a running session",
          null);
    }
    return session;
  }

  /**
   * The server's default parallelism: the partitions Spark gives a range without a partition count
   * ({@code spark.sql.leafNodeDefaultParallelism}, else {@code spark.default.parallelism}, else the
   * executors' cores), which Spark Connect exposes to clients no other way. Probed once per
   * session, outside the engine's lock (two first calls at once may both probe).
   */
  private static int parallelism(SparkSession session) {
    Integer known = PARALLELISM.get(session);
    if (known != null) {
      return known;
    }
    Row row =
        session
            .range(0L, 1L << 20)
            .selectExpr("spark_partition_id() AS p")
            .selectExpr("max(p) + 1")
            .first();
    int probed = Math.max(1, ((Number) row.get(0)).intValue());
    PARALLELISM.put(session, probed);
    return probed;
  }

  @Override
  public DispatchPolicy dispatchPolicy() {
    return DispatchPolicy.incremental().inWaves(SparkEngine.PRE_DISPATCH);
  }

  @Override
  public BackendCall startCall(CallInfo info, BatchSink sink) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the spark backend is closed");
      }
    }
    SparkSession session = session();
    int slots = nJobs(session); // a first probe runs outside the lock
    return new ConnectCall(session, info, sink, slots, pool(), Wire.contextLoader());
  }

  private synchronized ExecutorService pool() {
    if (closed) {
      throw new IllegalStateException("the spark backend is closed");
    }
    if (pool == null) {
      pool =
          new ThreadPoolExecutor(
              0,
              Integer.MAX_VALUE,
              30,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              r -> {
                Thread t = new Thread(r, "joblib-spark-connect-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }
    return pool;
  }

  @Override
  public synchronized void close() {
    if (shutDown()) {
      lease.release();
    }
  }

  @Override
  public synchronized void abandon() {
    if (shutDown()) {
      lease.abandon();
    }
  }

  private boolean shutDown() {
    if (closed) {
      return false;
    }
    closed = true;
    ExecutorService running = pool;
    pool = null;
    if (running != null) {
      running.shutdown();
    }
    return true;
  }

  @Override
  public String toString() {
    return "ConnectEngine(nJobs=" + requestedNJobs + ")";
  }
}
