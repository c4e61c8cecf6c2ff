package dev.joblib.internal;

import dev.joblib.spi.BackendCall;
import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.CallInfo;
import dev.joblib.spi.Capability;
import dev.joblib.spi.DispatchPolicy;
import dev.joblib.spi.ParallelBackend;
import dev.joblib.spi.ParallelBackendProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs every batch in the calling thread, one after the other, when it is submitted; after a failed
 * batch the rest of a submission is skipped, since the call fails. Cancelling (on timeout)
 * interrupts the calling thread while it runs a batch.
 */
public final class SequentialBackend implements ParallelBackend {
  public static final String ID = "sequential";

  private final String nestedBackend;

  /** A sequential backend whose tasks' nested calls run on {@code nestedBackend}. */
  public SequentialBackend(String nestedBackend) {
    this.nestedBackend = nestedBackend;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.SHARED_MEMORY, Capability.INTERRUPT);
  }

  @Override
  public int nJobs() {
    return 1;
  }

  @Override
  public DispatchPolicy dispatchPolicy() {
    return DispatchPolicy.oneByOne();
  }

  @Override
  public String nestedBackend() {
    return nestedBackend;
  }

  @Override
  public BackendCall startCall(CallInfo info, BatchSink sink) {
    return new Call(sink);
  }

  @Override
  public void close() {}

  private static final class Call implements BackendCall {
    private final BatchSink sink;
    private Thread running;
    private boolean cancelled;
    private boolean interruptedByUs;

    Call(BatchSink sink) {
      this.sink = sink;
    }

    @Override
    public void submit(List<Batch> batches) {
      for (Batch batch : batches) {
        synchronized (this) {
          if (cancelled) {
            return;
          }
          running = Thread.currentThread();
        }
        BatchOutcome outcome;
        try {
          sink.started(batch);
          outcome = batch.run();
          sink.accept(outcome);
        } finally {
          synchronized (this) {
            running = null;
            if (interruptedByUs) {
              Thread.interrupted(); // our own interrupt must not leak into the caller
              interruptedByUs = false;
            }
          }
        }
        if (!outcome.succeeded()) {
          return; // fail fast, as the call will: the batches after a failure must not run
        }
      }
    }

    @Override
    public synchronized void cancel() {
      cancelled = true;
      if (running != null && running != Thread.currentThread()) {
        interruptedByUs = true;
        running.interrupt();
      }
    }

    @Override
    public void close() {}
  }

  /** Registers the backend as "sequential". */
  public static final class Provider implements ParallelBackendProvider {
    @Override
    public String id() {
      return ID;
    }

    @Override
    public ParallelBackend create(BackendSpec spec) {
      return new SequentialBackend(ID);
    }

    /** None: the backend has nothing to configure but {@code nJobs}. */
    @Override
    public Optional<Set<String>> optionNames() {
      return Optional.of(Set.of());
    }
  }
}
