package dev.joblib.spark.internal;

import dev.joblib.JoblibException;
import dev.joblib.RemoteTaskException;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * What a Spark task does with its partition (one serialized {@link Batch}): runs the batch on the
 * executor and returns its serialized {@link BatchOutcome}. A task's exception is returned as data,
 * so Spark never retries a deterministic user error; only a batch that cannot be read (a missing
 * class, a broken jar) fails the Spark task and is left to Spark's retries.
 */
final class RunBatch extends AbstractFunction1<Iterator<byte[]>, byte[]> implements Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public byte[] apply(Iterator<byte[]> partition) {
    Batch batch;
    try {
      batch = (Batch) Wire.read(partition.next(), Wire.contextLoader());
    } catch (IOException e) {
      throw Wire.unchecked(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "a batch could not be read on the executor: class "
              + e.getMessage()
              + " is missing (ship the application jar with spark-submit or spark.jars)",
          e);
    }
    return encode(batch, TaskNesting.forThisSparkTask(batch).run());
  }

  /** Serializes the outcome; a result or exception that does not serialize becomes a failure. */
  static byte[] encode(Batch batch, BatchOutcome outcome) {
    try {
      return Wire.write(outcome);
    } catch (IOException | RuntimeException e) {
      return Wire.writeOrFail(replacement(batch, outcome, e));
    }
  }

  private static BatchOutcome replacement(Batch batch, BatchOutcome outcome, Exception error) {
    if (!outcome.succeeded()) {
      RemoteTaskException copy = RemoteTaskException.copyOf(outcome.failure());
      copy.addSuppressed(
          new JoblibException(
              "the original exception could not be sent back from the executor: " + error));
      return BatchOutcome.failure(batch, outcome.failedIndex(), copy);
    }
    List<Object> results = outcome.results();
    for (int i = 0; i < results.size(); i++) {
      Exception e = Wire.writeError(results.get(i));
      if (e != null) {
        Object result = results.get(i);
        return BatchOutcome.failure(
            batch,
            batch.firstIndex() + i,
            new IllegalStateException(
                "the result of task "
                    + (batch.firstIndex() + i)
                    + " ("
                    + result.getClass().getName()
                    + ") cannot be sent back to the driver: "
                    + e,
                RemoteTaskException.copyOf(e)));
      }
    }
    return BatchOutcome.failure(
        batch,
        batch.firstIndex(),
        new IllegalStateException(
            "the results of " + batch + " cannot be sent back to the driver: " + error,
            RemoteTaskException.copyOf(error)));
  }
}
