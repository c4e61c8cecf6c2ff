package dev.joblib.beam.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Fn1;
import dev.joblib.Parallel;
import dev.joblib.beam.BeamBackend;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records planted in the staging directory (a shared location others can write) are never
 * deserialized: only records sealed by the pipeline's own workers are read back.
 */
class PlantedRecordsTest {
  /** How many planted payloads were deserialized on this JVM. */
  static final AtomicInteger DESERIALIZED = new AtomicInteger();

  @TempDir Path temp;

  @Test
  void aRecordPlantedForARunningBatchIsIgnoredAndTheBatchKeepsItsOwnResult() {
    String tempLocation = temp.toString();
    Fn1<Integer, Integer> plantThenAnswer =
        x -> {
          plant(Path.of(tempLocation), x);
          return x * 10;
        };
    try (Parallel parallel =
        Parallel.create()
            .backend(BeamBackend.of("--tempLocation=" + tempLocation, "--targetParallelism=2"))
            .batchSize(1)) {
      List<Integer> results = parallel.map(List.of(0, 1, 2, 3), plantThenAnswer);

      assertThat(results).containsExactly(0, 10, 20, 30);
    }
    assertThat(DESERIALIZED.get()).isZero();
  }

  /** Writes, next to the batch's own output, a record for task {@code index} with a payload. */
  private static void plant(Path tempLocation, int index) throws IOException {
    Path staging = stagingUnder(tempLocation);
    Schema schema = OutcomeRecords.schema();
    GenericRecord record = new GenericData.Record(schema);
    record.put("index", (long) index);
    record.put("runNanos", 0L);
    record.put("stopped", false);
    record.put("payload", ByteBuffer.wrap(JavaSerialization.toBytes(new Planted())));
    if (schema.getField("seal") != null) {
      record.put("seal", ByteBuffer.wrap(new byte[32])); // a guess: the key never leaves the job
    }
    // sorted after the runner's own files ("outcomes-...")
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(
            staging.resolve("outcomes-zz-planted-" + index + ".parquet").toUri());
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(
                HadoopOutputFile.fromPath(file, new Configuration()))
            .withSchema(schema)
            .build()) {
      writer.write(record);
    }
  }

  /** The staging directory of the pipeline running under {@code tempLocation}. */
  static Path stagingUnder(Path tempLocation) throws IOException {
    try (Stream<Path> dirs = Files.list(tempLocation)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("joblib-beam-"))
          .findFirst()
          .orElseThrow();
    }
  }

  /** Stands for a gadget: what its deserialization would run. */
  static final class Planted implements Serializable {
    private static final long serialVersionUID = 1L;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      DESERIALIZED.incrementAndGet();
    }
  }
}
