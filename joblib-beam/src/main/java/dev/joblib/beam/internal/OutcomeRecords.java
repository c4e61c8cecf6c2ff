package dev.joblib.beam.internal;

import dev.joblib.JoblibException;
import dev.joblib.RemoteTaskException;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.SerializationCheck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The Avro records a pipeline writes, one per batch: {@code index} (the batch's first task), the
 * serialized results as {@code payload}, or the failing task's index and serialized exception as
 * {@code failedIndex} and {@code error}: errors are data, so a runner never retries them. {@code
 * stopped} marks a batch that was not run, or was interrupted, because an earlier task failed or
 * the call was cancelled. {@code seal} authenticates the other fields ({@link RecordSeal}).
 */
final class OutcomeRecords {
  static final String SCHEMA_JSON =
      "{\"type\":\"record\",\"name\":\"BatchOutcomeRecord\",\"namespace\":\"dev.joblib.beam\","
          + "\"fields\":["
          + "{\"name\":\"index\",\"type\":\"long\"},"
          + "{\"name\":\"runNanos\",\"type\":\"long\"},"
          + "{\"name\":\"payload\",\"type\":[\"null\",\"bytes\"],\"default\":null},"
          + "{\"name\":\"failedIndex\",\"type\":[\"null\",\"long\"],\"default\":null},"
          + "{\"name\":\"error\",\"type\":[\"null\",\"bytes\"],\"default\":null},"
          + "{\"name\":\"stopped\",\"type\":\"boolean\",\"default\":false},"
          + "{\"name\":\"seal\",\"type\":[\"null\",\"bytes\"],\"default\":null}]}";

  private OutcomeRecords() {}

  static Schema schema() {
    return new Schema.Parser().parse(SCHEMA_JSON);
  }

  /** Runs a serialized batch on the worker and describes what happened as a record. */
  static GenericRecord runToRecord(Schema schema, long firstIndex, byte[] serializedBatch) {
    GenericRecord record = newRecord(schema, firstIndex);
    Batch batch;
    try {
      batch =
          (Batch) JavaSerialization.fromBytes(serializedBatch, "the batch at task " + firstIndex);
    } catch (RuntimeException e) {
      return failed(record, firstIndex, e);
    }
    BatchOutcome outcome = batch.run();
    if (!outcome.succeeded()) {
      return failed(record, outcome.failedIndex(), outcome.failure());
    }
    List<Object> results = outcome.results();
    try {
      record.put("payload", ByteBuffer.wrap(JavaSerialization.toBytes(results.toArray())));
    } catch (IOException | RuntimeException e) {
      int bad = unserializableResult(results);
      return failed(record, firstIndex + bad, resultError(results.get(bad), firstIndex + bad, e));
    }
    record.put("runNanos", outcome.runNanos());
    return record;
  }

  /** The record of a batch stopped because of an earlier failure or a cancel. */
  static GenericRecord stopped(Schema schema, long firstIndex) {
    GenericRecord record = newRecord(schema, firstIndex);
    record.put("stopped", true);
    return record;
  }

  /** Whether the outcome's record says it was stopped by a sibling's failure or a cancel. */
  static boolean isStopped(GenericRecord record) {
    return Boolean.TRUE.equals(record.get("stopped"));
  }

  private static GenericRecord newRecord(Schema schema, long firstIndex) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("index", firstIndex);
    record.put("runNanos", 0L);
    record.put("stopped", false);
    return record;
  }

  /** Turns a record read back on the driver into the outcome of its batch. */
  static BatchOutcome toOutcome(GenericRecord record, Batch batch) {
    if (isStopped(record)) {
      return BatchOutcome.failure(
          batch,
          batch.firstIndex(),
          new CancellationException(
              batch + " was stopped: an earlier task failed or the call was cancelled"));
    }
    Object error = record.get("error");
    if (error != null) {
      Object failedIndex = record.get("failedIndex");
      int index = failedIndex != null ? (int) (long) (Long) failedIndex : batch.firstIndex();
      Throwable failure =
          (Throwable) JavaSerialization.fromBytes(bytes(error), "the failure of task " + index);
      return BatchOutcome.failure(batch, index, failure);
    }
    Object[] results =
        (Object[]) JavaSerialization.fromBytes(bytes(record.get("payload")), "results of " + batch);
    return BatchOutcome.success(batch, results, (Long) record.get("runNanos"));
  }

  /** The record of the batch at {@code firstIndex} that failed at {@code index}. */
  static GenericRecord failure(Schema schema, long firstIndex, long index, Throwable failure) {
    return failed(newRecord(schema, firstIndex), index, failure);
  }

  private static GenericRecord failed(GenericRecord record, long index, Throwable failure) {
    byte[] bytes;
    try {
      bytes = JavaSerialization.toBytes(failure);
    } catch (IOException | RuntimeException e) {
      try {
        bytes = JavaSerialization.toBytes(standIn(failure, e));
      } catch (IOException impossible) {
        throw new IllegalStateException("cannot serialize a plain exception", impossible);
      }
    }
    record.put("failedIndex", index);
    record.put("error", ByteBuffer.wrap(bytes));
    return record;
  }

  /**
   * The stand-in for a failure that does not serialize: its copy, with why the original could not
   * be sent as a suppressed exception.
   */
  private static RemoteTaskException standIn(Throwable failure, Exception whyNot) {
    RemoteTaskException copy = RemoteTaskException.copyOf(failure);
    copy.addSuppressed(
        new JoblibException(
            "the original exception could not be sent back from the Beam worker: " + whyNot));
    return copy;
  }

  private static int unserializableResult(List<Object> results) {
    for (int i = 0; i < results.size(); i++) {
      try {
        JavaSerialization.toBytes(results.get(i));
      } catch (IOException | RuntimeException e) {
        return i;
      }
    }
    return 0;
  }

  /** Names the field of the result that cannot be sent back, when it can be found. */
  private static Throwable resultError(Object result, long index, Exception cause) {
    try {
      SerializationCheck.requireSerializable(result, "the result of task " + index);
    } catch (IllegalArgumentException named) {
      return named;
    }
    return new IllegalArgumentException(
        "the result of task " + index + " cannot be sent back from the Beam worker: " + cause,
        cause);
  }

  private static byte[] bytes(Object avroBytes) {
    ByteBuffer buffer = ((ByteBuffer) avroBytes).duplicate();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
