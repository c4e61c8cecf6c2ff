package dev.joblib.spark.internal;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The function a Spark Connect execution runs on the server's executors: its partition holds one
 * serialized batch (after its share of the result limit, as {@link RunBatch} reads it), and it
 * returns the batch's serialized outcome, the task's exception included as data. It is the same
 * batch runner as on a classic session; the Connect client sends this function inside the plan, and
 * the server loads its class from the jars joblib uploaded to the session ({@link
 * ConnectArtifacts}).
 */
final class ConnectRunBatch implements MapPartitionsFunction<byte[], byte[]> {
  private static final long serialVersionUID = 1L;

  /** The share that lets every outcome through: Spark's own limit still applies to the job. */
  static final long WHOLE_SHARE = Long.MAX_VALUE;

  @Override
  public Iterator<byte[]> call(Iterator<byte[]> partition) {
    if (!partition.hasNext()) {
      return List.<byte[]>of().iterator();
    }
    byte[] outcome =
        new RunBatch(new ResultLimit(0)).apply(CollectionConverters.asScala(partition));
    return List.of(outcome).iterator();
  }

  /** The partition's row: {@link #WHOLE_SHARE} as a big-endian long, then the batch. */
  static byte[] row(byte[] batch) {
    byte[] row = new byte[Long.BYTES + batch.length];
    long share = WHOLE_SHARE;
    for (int i = Long.BYTES - 1; i >= 0; i--) {
      row[i] = (byte) share;
      share >>>= 8;
    }
    System.arraycopy(batch, 0, row, Long.BYTES, batch.length);
    return row;
  }
}
