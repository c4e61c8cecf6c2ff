package dev.joblib.beam;

import dev.joblib.beam.internal.BeamCall;
import dev.joblib.beam.internal.BeamClassPath;
import dev.joblib.beam.internal.RunnerOptions;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.DispatchPolicy;
import dev.joblib.spi.ParallelBackend;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The {@code "beam"} backend: each {@code Parallel} call becomes one Beam pipeline {@code
 * Create(serialized batches) -> Reshuffle -> ParDo(run batch) -> Parquet files}, run on any runner
 * the {@link PipelineOptions} name (the DirectRunner by default). Task results and task exceptions
 * are written as data under a unique directory of the options' {@code tempLocation} (the JVM's temp
 * directory when unset), read back by the caller once the pipeline is done, and the directory is
 * deleted, also after a failure.
 *
 * <p>A call on a collection is read whole before its pipeline starts (an input of unknown size in
 * waves of 1,024 tasks per worker, one pipeline each), and results arrive when a pipeline finishes,
 * so streams are not incremental on this backend. The number of workers is the runner's
 * parallelism: DirectRunner's {@code --targetParallelism}, the Flink runner's {@code
 * --parallelism}.
 *
 * <pre>{@code
 * try (BeamBackend beam = BeamBackend.of("--runner=FlinkRunner", "--parallelism=4")) {
 *   List<Double> roots = Parallel.create().backend(beam).map(xs, Math::sqrt);
 * }
 * }</pre>
 *
 * <p>The backend is also registered under the id {@value #ID}: {@code
 * Parallel.create().backend("beam")} (or {@code ParallelConfig}) builds one per call, and the
 * backend options set with {@code option(name, value)} are Beam pipeline options without the
 * leading dashes ({@code option("runner", "FlinkRunner")}, {@code option("tempLocation",
 * "/shared/tmp")}); {@code nJobs} sets the runner's parallelism, and -1 (the default) keeps the
 * runner's own.
 *
 * <p>On a cluster the temp location must be a directory every worker can write and the caller can
 * read, such as {@code hdfs://...} (with Beam's {@code beam-sdks-java-io-hadoop-file-system} and
 * the option {@code hdfsConfiguration}) or {@code s3://...} (with {@code
 * beam-sdks-java-io-amazon-web-services2} and the options {@code awsRegion}, {@code
 * awsCredentialsProvider}, {@code endpoint}; see {@link PathStyleS3ClientBuilderFactory}). The
 * backend's own files there go through Beam's file systems and are deleted after every pipeline. A
 * location that cannot be reached or written fails the call with a {@link
 * dev.joblib.BackendFailedException} naming it, before any task runs.
 *
 * @since 0.1
 */
public final class BeamBackend implements ParallelBackend {
  /** The id this backend is registered under. */
  public static final String ID = "beam";

  private static final String WAVE = "1024*n_jobs";
  private static final AtomicInteger BACKENDS = new AtomicInteger();

  private final PipelineOptions options;
  private final int nJobs;
  private final Set<BeamCall> calls = ConcurrentHashMap.newKeySet();
  private ExecutorService executor;
  private boolean closed;

  private BeamBackend(PipelineOptions options) {
    this.options = options;
    this.nJobs = Math.max(1, RunnerOptions.parallelism(options));
  }

  /**
   * Creates a backend that runs its pipelines with the given options (runner, parallelism, temp
   * location, ...). The options are read when a call starts; later changes to them apply to later
   * calls.
   *
   * @param options the pipeline options, never null
   * @return a new backend
   * @throws NullPointerException if {@code options} is null
   * @throws IllegalStateException if the runner's options interface cannot be loaded, or a library
   *     the backend needs (ParquetIO, a Hadoop client) is missing, naming its artifact
   */
  public static BeamBackend of(PipelineOptions options) {
    Objects.requireNonNull(options, "options");
    BeamClassPath.require();
    return new BeamBackend(options);
  }

  /**
   * Creates a backend from Beam's command-line flags, such as {@code --runner=FlinkRunner
   * --flinkMaster=[local] --parallelism=4 --tempLocation=/shared/tmp}.
   *
   * @param args the flags, never null
   * @return a new backend
   * @throws IllegalArgumentException if a flag is unknown to the Beam modules on the class path or
   *     its value is not valid
   */
  public static BeamBackend of(String... args) {
    Objects.requireNonNull(args, "args");
    RunnerOptions.registerFileSystemOptions();
    return of(PipelineOptionsFactory.fromArgs(args).create());
  }

  /**
   * Returns the options the pipelines are built from.
   *
   * @return the options, never null
   */
  public PipelineOptions options() {
    return options;
  }

  @Override
  public String id() {
    return ID;
  }

  /**
   * Returns {@link Capability#REMOTE} (tasks are serialized to the runner's workers) and {@link
   * Capability#TIMEOUT} (the timeout is counted on the worker from a batch's real start, since a
   * pipeline takes a while to schedule; under a timeout a batch runs as pieces timed on their own,
   * sized from earlier waves to stay well under it, and a pipeline that runs past the most its
   * batches may take is cancelled and fails the call by timeout). Results are not incremental: they
   * come back when the pipeline finishes.
   */
  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.REMOTE, Capability.TIMEOUT);
  }

  /** Returns the runner's parallelism, read when the backend was created. */
  @Override
  public int nJobs() {
    return nJobs;
  }

  /**
   * Waves of 1,024 tasks per worker: a call on an input of known size (without {@code preDispatch}
   * or a timeout) is one wave, hence one pipeline; an input of unknown size, which may be endless,
   * is read one wave at a time.
   */
  @Override
  public DispatchPolicy dispatchPolicy() {
    return DispatchPolicy.incremental().inWaves(WAVE);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A pipeline the runner fails to run (the runner refuses or loses the job, the results cannot
   * be staged or read back, the job is cancelled on the cluster) fails the call with a {@link
   * dev.joblib.BackendFailedException} naming the runner, its master and the staging directory,
   * caused by the runner's exception; no result of that pipeline is returned and its staging
   * directory is deleted.
   *
   * @throws IllegalArgumentException if {@code tempLocation} is a local path that cannot hold a
   *     staging directory (a regular file, or a directory this process cannot write), or a location
   *     whose scheme no Beam file system on the class path serves with these options (such as
   *     {@code hdfs://} without {@code hdfsConfiguration}), before any task runs
   */
  @Override
  public synchronized BackendCall startCall(CallInfo info, BatchSink sink) {
    if (closed) {
      throw new IllegalStateException("the beam backend is closed");
    }
    if (executor == null) {
      String prefix = "joblib-beam-" + BACKENDS.incrementAndGet() + "-";
      AtomicInteger threads = new AtomicInteger();
      executor =
          Executors.newCachedThreadPool(
              runnable -> {
                Thread thread = new Thread(runnable, prefix + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
    }
    BeamCall call = new BeamCall(ID, options, nJobs, info, sink, executor, calls::remove);
    calls.add(call);
    return call;
  }

  /**
   * Cancels the pipelines of calls still running (the runner is asked to cancel each job; those
   * calls fail with a {@link dev.joblib.BackendFailedException}); the background threads that wait
   * for them end once they have ended and their staged files are deleted, without waiting here.
   */
  @Override
  public synchronized void close() {
    closed = true;
    for (BeamCall call : calls) {
      call.backendClosed();
    }
    if (executor != null) {
      executor.shutdown(); // not interrupted: each deletes its staging directory once its job ends
      executor = null;
    }
  }

  @Override
  public String toString() {
    return "BeamBackend[" + RunnerOptions.runnerName(options) + ", nJobs=" + nJobs + "]";
  }
}
