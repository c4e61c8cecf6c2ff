package dev.joblib.spark.internal;

import dev.joblib.spi.BackendCall;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.DispatchPolicy;
import dev.joblib.spi.ParallelBackend;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.resource.ResourceProfile;

/**
 * The "spark" backend: each wave of batches becomes Spark jobs (a partition per batch, as few jobs
 * as {@code spark.driver.maxResultSize} allows) with the caller's context and the call's job tag;
 * outcomes come back per partition as soon as it finishes.
 */
public final class SparkEngine implements ParallelBackend {
  /** The id the backend is registered under. */
  public static final String ID = "spark";

  /**
   * Tasks read per wave, per worker. Spark jobs cost milliseconds each, so waves are large; the
   * window stays bounded so that endless inputs stream.
   */
  static final String PRE_DISPATCH = "1024*n_jobs";

  private static final AtomicInteger THREADS = new AtomicInteger();

  /** What the backend offers, on a classic and on a Spark Connect session. */
  static final Set<Capability> CAPABILITIES =
      Collections.unmodifiableSet(
          EnumSet.of(Capability.REMOTE, Capability.INTERRUPT, Capability.INCREMENTAL_RESULTS));

  private final SessionLease lease;
  private final int requestedNJobs;
  private final TaskProfile profile;
  private ThreadPoolExecutor events;
  private TaskStarts taskStarts;
  private SparkContext taskStartsOn;
  private boolean closed;

  /**
   * Creates the backend.
   *
   * @param lease where the session comes from
   * @param requestedNJobs positive: at most that many Spark tasks at once; negative: the cluster's
   *     cores (-1), all but one (-2), ...
   */
  public SparkEngine(SessionLease lease, int requestedNJobs) {
    this(lease, requestedNJobs, ResourceRequest.DEFAULT);
  }

  /**
   * Creates the backend with resources per Spark task.
   *
   * @param lease where the session comes from
   * @param requestedNJobs positive: at most that many Spark tasks at once; negative: the cluster's
   *     slots for those resources (-1), all but one (-2), ...
   * @param resources the CPUs, GPUs or full resource profile of each Spark task
   */
  public SparkEngine(SessionLease lease, int requestedNJobs, ResourceRequest resources) {
    if (requestedNJobs == 0) {
      throw new IllegalArgumentException("nJobs must not be 0, got 0");
    }
    this.lease = lease;
    this.requestedNJobs = requestedNJobs;
    this.profile = new TaskProfile(resources);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<Capability> capabilities() {
    return CAPABILITIES;
  }

  /**
   * The requested number, or for a negative request the cluster's task slots for the tasks'
   * resources plus one (-1: all of them). With task resources asked, at least 2: joblib runs a call
   * of one job in the caller's thread, where the tasks would get neither the CPUs nor the GPUs they
   * asked for; the call itself still runs as many Spark tasks at once as asked or as fit.
   */
  @Override
  public int nJobs() {
    int jobs;
    if (requestedNJobs > 0) {
      jobs = requestedNJobs;
    } else {
      SparkContext sc = lease.session().sparkContext();
      jobs = Math.max(1, ClusterSlots.of(sc, profile.on(sc)) + 1 + requestedNJobs);
    }
    return profile.asksResources() ? Math.max(2, jobs) : jobs;
  }

  @Override
  public DispatchPolicy dispatchPolicy() {
    return DispatchPolicy.incremental().inWaves(PRE_DISPATCH);
  }

  @Override
  public synchronized BackendCall startCall(CallInfo info, BatchSink sink) {
    if (closed) {
      throw new IllegalStateException("the spark backend is closed");
    }
    SparkContext sc = lease.session().sparkContext();
    if (sc.isStopped()) {
      throw new IllegalStateException(
          "backend 'spark': the Spark session given to it is stopped (" + sc.appName() + ")");
    }
    if (events == null) {
      events =
          new ThreadPoolExecutor(
              1,
              1,
              10,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "joblib-spark-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      events.allowCoreThreadTimeOut(true);
    }
    if (taskStarts == null || taskStartsOn != sc) {
      stopListening();
      taskStarts = new TaskStarts();
      taskStartsOn = sc;
      sc.addSparkListener(taskStarts);
    }
    ResourceProfile resources = profile.on(sc);
    int cluster = ClusterSlots.of(sc, resources); // read once: executors may register meanwhile
    int jobs = requestedNJobs > 0 ? requestedNJobs : Math.max(1, cluster + 1 + requestedNJobs);
    int slots = requestedNJobs == -1 || jobs >= cluster ? Integer.MAX_VALUE : jobs;
    ResourceProfile own =
        resources == sc.resourceProfileManager().defaultResourceProfile() ? null : resources;
    return new SparkCall(
        sc,
        info,
        sink,
        slots,
        Math.min(slots, cluster),
        events,
        taskStarts,
        Wire.contextLoader(),
        own);
  }

  @Override
  public synchronized void close() {
    if (shutDown()) {
      lease.release();
    }
  }

  /** As {@link #close()}, but a session this backend created keeps running (see the lease). */
  @Override
  public synchronized void abandon() {
    if (shutDown()) {
      lease.abandon();
    }
  }

  /** Stops the event thread; false if already closed. */
  private boolean shutDown() {
    if (closed) {
      return false;
    }
    closed = true;
    ExecutorService pool = events;
    events = null;
    if (pool != null) {
      pool.shutdown();
    }
    stopListening();
    return true;
  }

  private void stopListening() {
    if (taskStarts != null) {
      if (!taskStartsOn.isStopped()) {
        taskStartsOn.removeSparkListener(taskStarts);
      }
      taskStarts = null;
      taskStartsOn = null;
    }
  }

  @Override
  public String toString() {
    String resources = profile.toString();
    return "SparkEngine(nJobs="
        + requestedNJobs
        + (resources.isEmpty() ? "" : ", " + resources)
        + ")";
  }
}
