package dev.joblib.internal.processes;

import dev.joblib.internal.ThreadsBackend;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.ParallelBackend;
import dev.joblib.spi.ParallelBackendProvider;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The "processes" backend: batches run in a reusable pool of worker JVMs (see {@link WorkerPool}),
 * shared by every backend with the same settings. Closing the backend does not stop the pool: like
 * loky's reusable executor it stays warm for the next call until its idle timeout.
 *
 * <p>Options: {@code idleTimeout} (default 300 s), {@code startTimeout} (default 60 s),{@code xmx}
 * (each worker's heap; default half the memory split between the workers), {@code jvmArgs}, {@code
 * forwardProperties} (comma- separated system property names), {@code maxNbytes} (memmapping
 * threshold, default "1M", "off" disables), {@code tempFolder}.
 */
public final class ProcessesBackend implements ParallelBackend {
  /** The backend id. */
  public static final String ID = "processes";

  private final ProcessesOptions options;
  private volatile boolean closed;

  ProcessesBackend(ProcessesOptions options) {
    this.options = options;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.REMOTE, Capability.INTERRUPT, Capability.INCREMENTAL_RESULTS);
  }

  @Override
  public int nJobs() {
    return options.nJobs();
  }

  @Override
  public String nestedBackend() {
    return ThreadsBackend.ID;
  }

  @Override
  public BackendCall startCall(CallInfo info, BatchSink sink) {
    if (closed) {
      throw new IllegalStateException("the processes backend is closed");
    }
    WorkerPool pool = WorkerPool.of(options);
    String tempFolder = options.tempFolder() == null ? null : options.tempFolder().toString();
    MemmapWriter memmap =
        options.maxNbytes() == Long.MAX_VALUE
            ? null
            : new MemmapWriter(
                options.maxNbytes(), () -> TempFolders.base(tempFolder), info.callId());
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return new ProcessCall(
        pool, sink, memmap, loader != null ? loader : ProcessesBackend.class.getClassLoader());
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return options.toString();
  }

  /** Registers the backend as "processes". */
  public static final class Provider implements ParallelBackendProvider {
    /** Creates the provider (called by {@link java.util.ServiceLoader}). */
    public Provider() {}

    @Override
    public String id() {
      return ID;
    }

    @Override
    public ParallelBackend create(BackendSpec spec) {
      return new ProcessesBackend(ProcessesOptions.from(spec));
    }

    @Override
    public Optional<Set<String>> optionNames() {
      return Optional.of(ProcessesOptions.NAMES);
    }
  }
}
