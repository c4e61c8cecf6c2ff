package com.example.tinypool;

import dev.joblib.spi.BackendCall;
import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.ParallelBackend;
import dev.joblib.spi.ParallelBackendProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plug-in as a third party writes one, on the SPI only: a pool of {@code nJobs} daemon threads,
 * which end after 2 idle seconds and are stopped by {@link #close()}. Registered as {@value #ID} in
 * {@code META-INF/services/dev.joblib.spi.ParallelBackendProvider}; {@link
 * TinyPoolBackendContractTest} runs joblib's contract suite on it from joblib-local's test-jar.
 */
public final class TinyPoolBackend implements ParallelBackend {
  /** The id users name it by: {@code Parallel.create().backend("tiny-pool")}. */
  public static final String ID = "tiny-pool";

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final int nJobs;
  private final ExecutorService pool;

  TinyPoolBackend(int nJobs) {
    this.nJobs = nJobs;
    String prefix = "tiny-pool-" + POOLS.incrementAndGet() + "-";
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor threadPool =
        new ThreadPoolExecutor(
            nJobs,
            nJobs,
            2,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, prefix + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    threadPool.allowCoreThreadTimeOut(true); // an idle pool that nobody closed holds no thread
    this.pool = threadPool;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(
        Capability.SHARED_MEMORY, Capability.INTERRUPT, Capability.INCREMENTAL_RESULTS);
  }

  @Override
  public int nJobs() {
    return nJobs;
  }

  @Override
  public BackendCall startCall(CallInfo info, BatchSink sink) {
    return new Call(pool, sink);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private static final class Call implements BackendCall {
    private final ExecutorService pool;
    private final BatchSink sink;
    private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    Call(ExecutorService pool, BatchSink sink) {
      this.pool = pool;
      this.sink = sink;
    }

    @Override
    public void submit(List<Batch> batches) {
      running.removeIf(Future::isDone);
      for (Batch batch : batches) {
        running.add(
            pool.submit(
                () -> {
                  if (cancelled) {
                    return;
                  }
                  sink.started(batch); // the timeout clock starts when a thread takes the batch
                  BatchOutcome outcome = batch.run();
                  if (!cancelled) {
                    sink.accept(outcome);
                  }
                }));
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      running.forEach(future -> future.cancel(true));
    }

    @Override
    public void close() {
      running.clear();
    }
  }

  /** Found by {@link java.util.ServiceLoader}; creates a pool of the requested size. */
  public static final class Provider implements ParallelBackendProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public Provider() {}

    @Override
    public String id() {
      return ID;
    }

    @Override
    public ParallelBackend create(BackendSpec spec) {
      int cpus = Runtime.getRuntime().availableProcessors();
      int n = spec.nJobs() > 0 ? spec.nJobs() : Math.max(1, cpus + 1 + spec.nJobs());
      return new TinyPoolBackend(n);
    }
  }
}
