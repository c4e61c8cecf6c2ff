package dev.joblib.benchmarks;

import dev.joblib.Parallel;
import dev.joblib.beam.BeamBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * {@code Parallel.map} on the beam backend against the pipeline a user would write by hand for the
 * same 1,000 tasks ({@code Create -> Reshuffle -> ParDo -> Parquet files}, read back and ordered on
 * the driver), on the DirectRunner and on the Flink runner embedded in this JVM, with the same
 * parallelism. Built only with {@code -Pbeam}.
 */
public final class BeamBenchmark {
  private static final int TASKS = 1_000;
  private static final int PARALLELISM = 2;
  private static final String SCHEMA =
      "{\"type\":\"record\",\"name\":\"Result\",\"fields\":["
          + "{\"name\":\"index\",\"type\":\"long\"},{\"name\":\"value\",\"type\":\"long\"}]}";

  private BeamBenchmark() {}

  /**
   * Prints the measurements.
   *
   * @param args ignored
   * @throws Exception if a run fails
   */
  public static void main(String[] args) throws Exception {
    Path temp = Files.createTempDirectory("joblib-beam-bench-");
    try {
      compare("direct", 2, 5, temp, "--runner=DirectRunner", "--targetParallelism=" + PARALLELISM);
      compare(
          "flink",
          2,
          5,
          temp,
          "--runner=FlinkRunner",
          "--flinkMaster=[local]",
          "--parallelism=" + PARALLELISM);
    } finally {
      deleteTree(temp);
    }
  }

  private static void compare(String runner, int warmups, int runs, Path temp, String... flags)
      throws Exception {
    List<Integer> xs = IntStream.range(0, TASKS).boxed().collect(Collectors.toList());
    String[] args = withTemp(flags, temp);
    List<Long> expected = xs.stream().map(BeamBenchmark::work).collect(Collectors.toList());
    double joblib;
    double hand;
    try (BeamBackend beam = BeamBackend.of(args)) {
      Parallel p = Parallel.create().backend(beam);
      check(p.map(xs, BeamBenchmark::work), expected);
      check(handWritten(args, temp.resolve("hand")), expected);
      // alternated, so that both see the same JIT and cluster warm-up
      double[][] medians =
          alternate(
              warmups,
              runs,
              () -> p.map(xs, BeamBenchmark::work),
              () -> handWritten(args, temp.resolve("hand")));
      joblib = medians[0][0];
      hand = medians[1][0];
    }
    Measure.print("beam." + runner + ".parallel_map_1000", joblib, "s");
    Measure.print("beam." + runner + ".hand_written_pipeline_1000", hand, "s");
    Measure.print("beam." + runner + ".ratio_vs_hand_written", joblib / hand, "x");
  }

  /** Runs {@code a} and {@code b} in turns; returns each one's median seconds. */
  private static double[][] alternate(int warmups, int runs, Measure.Work a, Measure.Work b)
      throws Exception {
    for (int i = 0; i < warmups; i++) {
      Measure.sink = a.run();
      Measure.sink = b.run();
    }
    double[] ta = new double[runs];
    double[] tb = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      Measure.sink = a.run();
      ta[i] = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      Measure.sink = b.run();
      tb[i] = (System.nanoTime() - start) / 1e9;
    }
    java.util.Arrays.sort(ta);
    java.util.Arrays.sort(tb);
    return new double[][] {{ta[runs / 2]}, {tb[runs / 2]}};
  }

  /** The baseline: the same tasks as a pipeline written directly against Beam and ParquetIO. */
  static List<Long> handWritten(String[] args, Path out) throws IOException {
    deleteTree(out);
    PipelineOptions options = PipelineOptionsFactory.fromArgs(args).create();
    Schema schema = new Schema.Parser().parse(SCHEMA);
    List<KV<Long, Long>> inputs = new ArrayList<>();
    for (long i = 0; i < TASKS; i++) {
      inputs.add(KV.of(i, i));
    }
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(Create.of(inputs).withCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of())))
        .apply(Reshuffle.viaRandomKey())
        .apply(ParDo.of(new WorkFn(SCHEMA)))
        .setCoder(AvroCoder.of(schema))
        .apply(
            FileIO.<GenericRecord>write()
                .via(ParquetIO.sink(schema))
                .to(out.toString())
                .withSuffix(".parquet")
                .withNumShards(PARALLELISM));
    pipeline.run().waitUntilFinish();
    long[] results = new long[TASKS];
    try (Stream<Path> files = Files.list(out)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(
                    HadoopInputFile.fromPath(
                        new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))
                .withDataModel(GenericData.get())
                .build()) {
          for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
            results[(int) (long) (Long) r.get("index")] = (Long) r.get("value");
          }
        }
      }
    }
    deleteTree(out);
    return java.util.Arrays.stream(results).boxed().collect(Collectors.toList());
  }

  /** The hand-written pipeline's DoFn: runs the task, emits {index, value}. */
  static final class WorkFn extends DoFn<KV<Long, Long>, GenericRecord> {
    private static final long serialVersionUID = 1L;
    private final String schemaJson;
    private transient Schema schema;

    WorkFn(String schemaJson) {
      this.schemaJson = schemaJson;
    }

    @Setup
    public void setup() {
      schema = new Schema.Parser().parse(schemaJson);
    }

    @ProcessElement
    public void process(@Element KV<Long, Long> in, OutputReceiver<GenericRecord> out) {
      GenericRecord record = new GenericData.Record(schema);
      record.put("index", in.getKey());
      record.put("value", work((int) (long) in.getValue()));
      out.output(record);
    }
  }

  /** One task: about 10 microseconds of arithmetic. */
  static long work(int x) {
    return ThreadsBenchmark.spin(x, 10_000);
  }

  private static void check(List<Long> actual, List<Long> expected) {
    if (!actual.equals(expected)) {
      throw new IllegalStateException("the pipeline returned wrong results");
    }
  }

  private static String[] withTemp(String[] flags, Path temp) {
    String[] args = java.util.Arrays.copyOf(flags, flags.length + 1);
    args[flags.length] = "--tempLocation=" + temp;
    return args;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
