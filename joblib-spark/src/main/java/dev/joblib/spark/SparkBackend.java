package dev.joblib.spark;

import dev.joblib.spark.internal.ResourceRequest;
import dev.joblib.spark.internal.SessionEngine;
import dev.joblib.spark.internal.SessionLease;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.DispatchPolicy;
import dev.joblib.spi.ParallelBackend;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.sql.SparkSession;

/**
 * The "spark" backend on a session you hold: {@code Parallel} calls run as Spark jobs on its
 * cluster.
 *
 * <pre>{@code
 * SparkSession spark = SparkSession.builder().getOrCreate();
 * try (Parallel p = Parallel.create().backend(SparkBackend.of(spark))) {
 *   List<Double> scores = p.map(grid, params -> fit(params));
 * }
 * }</pre>
 *
 * <p>Without a session in hand, select the backend by id: {@code ParallelConfig.use("spark")} or
 * {@code Parallel.create().backend("spark")} use the process's active session, or create one from
 * the {@code spark.*} system properties ({@code local[*]} when no master is set) and stop it when
 * the last backend using it closes.
 *
 * <p>Each call's jobs carry the calling thread's Spark context (job group, job tags, description,
 * scheduler pool, other local properties) plus a job tag of the call's own: the first failure or a
 * timeout cancels that tag and interrupts the running tasks, and the caller's own {@code
 * cancelJobGroup} or {@code cancelJobsWithTag} ends the call. A task's exception is caught on the
 * executor and returned as data, so Spark does not retry a deterministic error; executor loss is
 * left to Spark's retries, which re-run every task of a lost batch (at-least-once: a task with side
 * effects may run twice). When Spark gives up on a Spark task, the call fails with that batch's
 * first task index. Functions and arguments must be serializable; the first task is checked before
 * anything runs. This backend never stops the session given here.
 *
 * <p>On a Spark Connect session ({@code sc://}) each batch runs as a Dataset execution on the
 * server, with joblib's jars and the classes of the tasks uploaded to the session once; the
 * caller's operation tags and one of the call's own ({@code interruptTag}) replace job groups and
 * job tags. CPUs, GPUs and resource profiles per task need a classic session.
 *
 * @since 0.1
 */
public final class SparkBackend implements ParallelBackend {
  private final SessionLease lease;
  private final int nJobs;
  private final ResourceRequest resources;
  private final SessionEngine engine;

  private SparkBackend(SessionLease lease, int nJobs, ResourceRequest resources) {
    this.lease = lease;
    this.nJobs = nJobs;
    this.resources = resources;
    this.engine = new SessionEngine(lease, nJobs, resources);
  }

  /**
   * A backend on {@code session} that uses all the cluster's cores (re-read at every call, so
   * executors added by dynamic allocation count).
   *
   * @param session a running session, not stopped by this backend
   * @return the backend
   * @throws NullPointerException if {@code session} is null
   */
  public static SparkBackend of(SparkSession session) {
    return of(session, -1);
  }

  /**
   * A backend on {@code session} running at most {@code nJobs} Spark tasks at once.
   *
   * @param session a running session, not stopped by this backend
   * @param nJobs positive: at most that many tasks at once; -1: all the cluster's cores; -2: all
   *     but one, ...
   * @return the backend
   * @throws NullPointerException if {@code session} is null
   * @throws IllegalArgumentException if {@code nJobs} is 0
   */
  public static SparkBackend of(SparkSession session, int nJobs) {
    Objects.requireNonNull(session, "session");
    if (nJobs == 0) {
      throw new IllegalArgumentException(
          "nJobs must be positive or negative (-1 = all the cluster's cores), got 0");
    }
    return new SparkBackend(SessionLease.of(session), nJobs, ResourceRequest.DEFAULT);
  }

  /**
   * A backend like this one whose Spark tasks each get {@code cpus} CPUs (Spark's stage-level
   * scheduling: {@code rdd.withResources} with a task resource profile). nJobs -1 then counts the
   * slots of that size ({@code sc.maxNumConcurrentTasks} of the profile), and a {@code Parallel}
   * call made inside a task runs on up to {@code cpus} threads ({@code nJobs(-1)} there is {@code
   * cpus}, or the executor machine's CPUs if fewer). Needs a standalone, YARN or Kubernetes
   * cluster; in local mode Spark refuses task resources, and the tasks run with the default profile
   * after a warning. Call it before the backend's first use.
   *
   * @param cpus CPUs per Spark task, at least 1
   * @return a new backend on the same session, with the same nJobs and other resources
   * @throws IllegalArgumentException if {@code cpus} is below 1, or a full profile was given
   */
  public SparkBackend cpusPerTask(int cpus) {
    return new SparkBackend(lease, nJobs, resources.withCpusPerTask(cpus));
  }

  /**
   * A backend like this one whose Spark tasks each get {@code gpus} GPUs (Spark resource {@code
   * "gpu"}); a task reads the addresses it got with {@link SparkTaskResources#addresses(String)}.
   * The executors must have GPUs ({@code spark.executor.resource.gpu.amount}, and on standalone
   * Workers {@code spark.worker.resource.gpu.amount} with a discovery script). nJobs -1 counts the
   * tasks the executors' GPUs allow. Same cluster rules as {@link #cpusPerTask(int)}.
   *
   * @param gpus a whole number of GPUs per Spark task, or a fraction in (0, 1) to share one
   * @return a new backend on the same session, with the same nJobs and other resources
   * @throws IllegalArgumentException if {@code gpus} is not positive or a fraction above 1, or a
   *     full profile was given
   */
  public SparkBackend gpusPerTask(double gpus) {
    return new SparkBackend(lease, nJobs, resources.withGpusPerTask(gpus));
  }

  /**
   * A backend like this one whose Spark tasks run with a full resource profile of yours (executor
   * and task resources; with dynamic allocation, Spark starts executors of that profile). nJobs -1
   * counts the profile's slots.
   *
   * @param profile built with {@code new ResourceProfileBuilder()...build()}
   * @return a new backend on the same session, with the same nJobs
   * @throws NullPointerException if {@code profile} is null
   * @throws IllegalArgumentException if {@link #cpusPerTask(int)} or {@link #gpusPerTask(double)}
   *     was set (put those in the profile)
   */
  public SparkBackend resourceProfile(ResourceProfile profile) {
    return new SparkBackend(lease, nJobs, resources.withProfile(profile));
  }

  /**
   * Returns {@code "spark"}.
   *
   * @return the backend id
   */
  @Override
  public String id() {
    return engine.id();
  }

  /**
   * Returns {@link Capability#REMOTE}, {@link Capability#INTERRUPT} and {@link
   * Capability#INCREMENTAL_RESULTS}.
   *
   * @return the capabilities
   */
  @Override
  public Set<Capability> capabilities() {
    return engine.capabilities();
  }

  /**
   * Returns the number of Spark tasks a call runs at once: the requested number, or for -1 the
   * cluster's slots for the tasks' resources (under dynamic allocation, the slots it may grow to).
   *
   * @return at least 1
   */
  @Override
  public int nJobs() {
    return engine.nJobs();
  }

  /**
   * Returns a policy that submits large waves of batches, one Spark job per wave.
   *
   * @return the dispatch policy
   */
  @Override
  public DispatchPolicy dispatchPolicy() {
    return engine.dispatchPolicy();
  }

  /**
   * Starts a call whose jobs carry the calling thread's Spark context and a job tag of their own.
   *
   * @param info the call's id, timeout and size
   * @param sink receives the batches' outcomes
   * @return the call
   */
  @Override
  public BackendCall startCall(CallInfo info, BatchSink sink) {
    return engine.startCall(info, sink);
  }

  /** Releases the backend's event thread; the session stays running. */
  @Override
  public void close() {
    engine.close();
  }

  /** As {@link #close()}: the session given to this backend is never stopped by it. */
  @Override
  public void abandon() {
    engine.abandon();
  }

  @Override
  public String toString() {
    return "SparkBackend(" + engine + ")";
  }
}
