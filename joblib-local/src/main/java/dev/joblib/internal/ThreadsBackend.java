package dev.joblib.internal;

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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of {@code nJobs} platform threads, started at the first call and kept until {@link
 * #close()}; idle threads end after a few seconds so that an unclosed pool costs nothing lasting.
 */
public final class ThreadsBackend implements ParallelBackend {
  public static final String ID = "threads";
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final long KEEP_ALIVE_SECONDS = 5;

  private final int nJobs;
  private ThreadPoolExecutor pool;
  private boolean closed;

  public ThreadsBackend(int nJobs) {
    this.nJobs = nJobs;
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
  public synchronized BackendCall startCall(CallInfo info, BatchSink sink) {
    if (closed) {
      throw new IllegalStateException("the threads backend is closed");
    }
    if (pool == null) {
      pool =
          new ThreadPoolExecutor(
              nJobs,
              nJobs,
              KEEP_ALIVE_SECONDS,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              daemonThreads("joblib-threads-" + POOLS.incrementAndGet() + "-"));
      pool.allowCoreThreadTimeOut(true);
    }
    return new Call(pool, sink);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
      pool = null;
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static final class Call implements BackendCall {
    private final ThreadPoolExecutor pool;
    private final BatchSink sink;
    private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    Call(ThreadPoolExecutor pool, BatchSink sink) {
      this.pool = pool;
      this.sink = sink;
    }

    @Override
    public void submit(List<Batch> batches) {
      for (Batch batch : batches) {
        if (cancelled) {
          return;
        }
        running.add(
            pool.submit(
                () -> {
                  if (cancelled) {
                    return;
                  }
                  sink.started(batch);
                  BatchOutcome outcome = batch.run();
                  if (!cancelled) {
                    sink.accept(outcome);
                  }
                }));
      }
      running.removeIf(Future::isDone);
    }

    @Override
    public void cancel() {
      cancelled = true;
      for (Future<?> future : running) {
        future.cancel(true);
      }
      pool.getQueue().removeIf(r -> r instanceof Future<?> f && f.isCancelled());
    }

    @Override
    public void close() {
      running.clear();
    }
  }

  /** Registers the backend as "threads". */
  public static final class Provider implements ParallelBackendProvider {
    @Override
    public String id() {
      return ID;
    }

    @Override
    public ParallelBackend create(BackendSpec spec) {
      return new ThreadsBackend(CpuCount.resolve(spec.nJobs()));
    }

    /** None: the backend has nothing to configure but {@code nJobs}. */
    @Override
    public Optional<Set<String>> optionNames() {
      return Optional.of(Set.of());
    }
  }
}
