package dev.joblib.internal.processes;

import dev.joblib.BackendFailedException;
import dev.joblib.JoblibException;
import dev.joblib.internal.CpuCount;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reusable pool of worker JVMs (joblib's loky reusable executor): one per distinct {@link
 * ProcessesOptions.PoolKey} in this JVM, shared by every backend and call with those settings. It
 * starts its workers with the first batch, keeps them while batches come, replaces any that die or
 * are killed, and stops them all once idle for the idle timeout. A shutdown hook stops them when
 * this JVM exits; workers also exit by themselves when their parent dies.
 */
final class WorkerPool {
  private static final Map<ProcessesOptions.PoolKey, WorkerPool> POOLS = new ConcurrentHashMap<>();
  private static final AtomicInteger NUMBERS = new AtomicInteger();
  private static final long POLL_MILLIS = 200;

  /** The variables that size native thread pools (joblib's {@code _prepare_worker_env}). */
  private static final List<String> THREAD_VARIABLES =
      List.of(
          "OMP_NUM_THREADS",
          "OPENBLAS_NUM_THREADS",
          "MKL_NUM_THREADS",
          "BLIS_NUM_THREADS",
          "VECLIB_MAXIMUM_THREADS",
          "NUMEXPR_NUM_THREADS",
          "NUMBA_NUM_THREADS");

  private static final ScheduledExecutorService REAPER =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "joblib-processes-idle-reaper");
            thread.setDaemon(true);
            return thread;
          });

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> POOLS.values().forEach(WorkerPool::terminateAll),
                "joblib-processes-shutdown"));
  }

  private final ProcessesOptions.PoolKey key;
  private final int number = NUMBERS.incrementAndGet();
  private final LinkedBlockingDeque<ProcessCall.Job> queue = new LinkedBlockingDeque<>();
  private final List<Worker> workers = new ArrayList<>();
  private final List<String> command;
  private final Map<String, String> env;
  private final Path statusFolder;
  private final byte[] properties;
  private final byte[] token = new byte[WorkerMain.TOKEN_BYTES];
  private int nextWorkerId;
  private volatile long lastActiveNanos = System.nanoTime();

  private WorkerPool(ProcessesOptions.PoolKey key, Map<String, String> forwardedProperties) {
    this.key = key;
    this.command = command(key);
    this.env = environment(key);
    this.properties = ForwardedProperties.encode(forwardedProperties);
    this.statusFolder = TempFolders.workersFolder();
    newToken(token);
    long period = Math.max(50, Math.min(1000, key.idleTimeout().toMillis() / 4));
    REAPER.scheduleWithFixedDelay(this::stopIfIdle, period, period, TimeUnit.MILLISECONDS);
  }

  /** The pool for these settings, created on first use. */
  static WorkerPool of(ProcessesOptions options) {
    return POOLS.computeIfAbsent(
        options.poolKey(), key -> new WorkerPool(key, options.forwardedProperties()));
  }

  int number() {
    return number;
  }

  Path statusFolder() {
    return statusFolder;
  }

  /** How long a worker may take to start (option {@code startTimeout}). */
  Duration startTimeout() {
    return key.startTimeout();
  }

  /** The workers' command line, for messages. */
  List<String> command() {
    return command;
  }

  /** Runs {@code action} once after {@code delay} on the pool's timer thread. */
  ScheduledFuture<?> schedule(Runnable action, Duration delay) {
    return REAPER.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * A worker could not start (see {@link Worker}): every batch waiting for a worker fails with
   * {@code failure}, since the workers that would run them are started the same way. The worker is
   * not replaced until the next submit.
   */
  void startFailed(BackendFailedException failure) {
    ProcessCall.Job job;
    while ((job = queue.poll()) != null) {
      job.call().deliver(job.call().failed(job.batch(), failure));
    }
  }

  /** The random token this pool's workers require in their first frame (see {@link WorkerMain}). */
  byte[] token() {
    return token.clone();
  }

  /** Queues a batch; starts the workers if they are not running. */
  void submit(ProcessCall.Job job) {
    touch();
    queue.add(job);
    ensureWorkers();
  }

  /** The next batch for a worker, or null after a short wait (so it can check its state). */
  ProcessCall.Job next() throws InterruptedException {
    return queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  void requeue(ProcessCall.Job job) {
    queue.addFirst(job);
    ensureWorkersQuietly();
  }

  void touch() {
    lastActiveNanos = System.nanoTime();
  }

  /**
   * Drops the call's queued batches and, if {@code kill}, kills the workers running its batches.
   */
  void cancel(ProcessCall call, boolean kill) {
    queue.removeIf(job -> job.call() == call);
    if (kill) {
      for (Worker worker : snapshot()) {
        if (worker.runningCall() == call) {
          worker.kill();
        }
      }
    }
  }

  /** Called by a worker's dispatcher when it ends: a worker that was not retired is replaced. */
  void workerGone(Worker worker) {
    boolean replace;
    synchronized (this) {
      workers.remove(worker);
      replace = !worker.isRetiring();
    }
    if (replace) {
      ensureWorkersQuietly();
    }
  }

  /** The pids of the live workers (for tests and diagnostics). */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (Worker worker : snapshot()) {
      if (!worker.isRetiring()) {
        pids.add(worker.pid());
      }
    }
    return pids;
  }

  private synchronized List<Worker> snapshot() {
    return new ArrayList<>(workers);
  }

  private synchronized void ensureWorkers() {
    long live = workers.stream().filter(w -> !w.isRetiring()).count();
    for (; live < key.nJobs(); live++) {
      try {
        workers.add(Worker.start(this, ++nextWorkerId, command, env, properties));
      } catch (IOException e) {
        throw new JoblibException(
            "cannot start a worker JVM for the processes backend with " + command, e);
      }
    }
  }

  private void ensureWorkersQuietly() {
    try {
      ensureWorkers();
    } catch (JoblibException e) {
      // the next submit retries and reports it to its caller; queued batches fail meanwhile
      System.err.println("joblib: " + e.getMessage() + ": " + e.getCause());
      ProcessCall.Job job;
      while ((job = queue.poll()) != null) {
        job.call().deliver(job.call().failed(job.batch(), e));
      }
    }
  }

  private void stopIfIdle() {
    synchronized (this) {
      if (workers.isEmpty()
          || !queue.isEmpty()
          || System.nanoTime() - lastActiveNanos < key.idleTimeout().toNanos()) {
        return;
      }
      for (Worker worker : workers) {
        if (worker.isBusy()) {
          return;
        }
      }
      for (Worker worker : workers) {
        worker.retire();
      }
    }
  }

  /** For the shutdown hook: ends the workers and removes the status folder (best effort). */
  private void terminateAll() {
    for (Worker worker : snapshot()) {
      worker.terminate();
    }
    try {
      TempFolders.deleteTree(statusFolder);
    } catch (IOException | RuntimeException e) {
      // a worker's dispatcher may delete its file meanwhile; the next JVM removes what is left
    }
  }

  /**
   * Fills {@code token} from the kernel's generator, /dev/urandom, where SecureRandom reads on
   * Linux too, without the 25 ms its providers take to load in a fresh JVM; elsewhere (or if it
   * cannot be read) from a SecureRandom.
   */
  private static void newToken(byte[] token) {
    try (InputStream in = new FileInputStream("/dev/urandom")) {
      if (in.readNBytes(token, 0, token.length) == token.length) {
        return;
      }
    } catch (IOException e) {
      // no /dev/urandom (not Linux or macOS): SecureRandom below
    }
    new SecureRandom().nextBytes(token);
  }

  /**
   * The command line of this pool's workers, without the two arguments of each. It holds what the
   * JVM needs to start (heap, the caller's module flags, the user's {@code jvmArgs}) and no
   * forwarded property: the command line is readable by every local user, so those go over the pipe
   * (see {@link ForwardedProperties}).
   */
  static List<String> command(ProcessesOptions.PoolKey key) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + key.xmx());
    boolean userCpus = key.jvmArgs().stream().anyMatch(a -> a.contains("ActiveProcessorCount"));
    if (!userCpus) {
      cmd.add("-XX:ActiveProcessorCount=" + threadsPerWorker(key));
    }
    if (key.jvmArgs().stream().noneMatch(a -> a.contains("OutOfMemory"))) {
      cmd.add("-XX:+ExitOnOutOfMemoryError"); // a worker out of memory is replaced, not reused
    }
    cmd.add("-XX:+DisplayVMOutputToStderr"); // stdout carries the frames
    cmd.addAll(ProcessesOptions.inheritedJvmFlags());
    cmd.addAll(key.jvmArgs());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path", "") + classPathOf(WorkerMain.class));
    cmd.add(WorkerMain.class.getName());
    return List.copyOf(cmd);
  }

  /** The location of a class's jar or folder when it is not on java.class.path (a child loader). */
  private static String classPathOf(Class<?> type) {
    try {
      var source = type.getProtectionDomain().getCodeSource();
      if (source == null) {
        return "";
      }
      String path = Path.of(source.getLocation().toURI()).toString();
      String cp = System.getProperty("java.class.path", "");
      return List.of(cp.split(File.pathSeparator)).contains(path) ? "" : File.pathSeparator + path;
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return "";
    }
  }

  /** A worker's share of the CPUs. */
  static int threadsPerWorker(int nJobs) {
    return Math.max(1, CpuCount.logical() / nJobs);
  }

  /** A worker's threads: {@code innerMaxNumThreads} if set, else its share of the CPUs. */
  static int threadsPerWorker(ProcessesOptions.PoolKey key) {
    return key.innerMaxNumThreads() > 0 ? key.innerMaxNumThreads() : threadsPerWorker(key.nJobs());
  }

  /**
   * joblib's guard against oversubscription: native thread pools sized to {@code
   * innerMaxNumThreads} if set, else to this JVM's value of the variable if set, else to the
   * worker's share of the CPUs.
   */
  private static Map<String, String> environment(ProcessesOptions.PoolKey key) {
    Map<String, String> env = new HashMap<>();
    String threads = String.valueOf(threadsPerWorker(key));
    for (String name : THREAD_VARIABLES) {
      if (key.innerMaxNumThreads() > 0 || System.getenv(name) == null) {
        env.put(name, threads);
      }
    }
    return env;
  }

  @Override
  public String toString() {
    return "pool " + number + " " + key;
  }
}
