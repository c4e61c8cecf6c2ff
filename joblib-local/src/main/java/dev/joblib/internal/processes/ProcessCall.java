package dev.joblib.internal.processes;

import dev.joblib.JoblibException;
import dev.joblib.Task;
import dev.joblib.spi.BackendCall;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.BatchSink;
import dev.joblib.spi.SerializationCheck;
import java.io.IOException;
import java.util.List;

/**
 * One call on a {@link WorkerPool}: queues its batches there, serializes each (memmapping large
 * arrays) on the worker's dispatcher thread, and drops outcomes once cancelled. Cancelling kills
 * the workers that run the call's batches; the pool replaces them.
 */
final class ProcessCall implements BackendCall {
  /** A batch waiting for, or running on, a worker. */
  record Job(ProcessCall call, Batch batch) {}

  private final WorkerPool pool;
  private final BatchSink sink;
  private final MemmapWriter memmap;
  private final ClassLoader loader;
  private volatile boolean cancelled;

  ProcessCall(WorkerPool pool, BatchSink sink, MemmapWriter memmap, ClassLoader loader) {
    this.pool = pool;
    this.sink = sink;
    this.memmap = memmap;
    this.loader = loader;
  }

  @Override
  public void submit(List<Batch> batches) {
    for (Batch batch : batches) {
      if (cancelled) {
        return;
      }
      pool.submit(new Job(this, batch));
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    pool.cancel(this, true);
  }

  @Override
  public void close() {
    cancelled = true;
    pool.cancel(this, false);
    if (memmap != null) {
      memmap.close();
    }
  }

  boolean isCancelled() {
    return cancelled;
  }

  Serializer serializer() {
    return CompactSerializer.INSTANCE;
  }

  ClassLoader loader() {
    return loader;
  }

  /** The memmapping of this call, or null when it is off. */
  MemmapWriter memmap() {
    return memmap;
  }

  byte[] encode(Batch batch) throws IOException {
    Bytes.Out bytes = new Bytes.Out(64 + 16 * batch.size());
    serializer().write(batch, bytes, memmap);
    return bytes.toByteArray();
  }

  /** The outcome for a batch that could not be serialized, naming the task and field. */
  BatchOutcome encodeFailure(Batch batch, Exception e) {
    List<Task<?>> tasks = batch.tasks();
    for (int i = 0; i < tasks.size(); i++) {
      int index = batch.firstIndex() + i;
      try {
        SerializationCheck.requireSerializable(tasks.get(i), "task " + index);
      } catch (IllegalArgumentException notSerializable) {
        return BatchOutcome.failure(batch, index, notSerializable);
      }
    }
    return failed(batch, new JoblibException("cannot send " + batch + " to a worker: " + e, e));
  }

  BatchOutcome failed(Batch batch, Throwable failure) {
    return BatchOutcome.failure(batch, batch.firstIndex(), failure);
  }

  /** Tells the call's sink that the batch was handed to a ready worker: its clock starts. */
  void started(Batch batch) {
    if (!cancelled) {
      sink.started(batch);
    }
  }

  void deliver(BatchOutcome outcome) {
    if (!cancelled) {
      sink.accept(outcome);
    }
  }
}
