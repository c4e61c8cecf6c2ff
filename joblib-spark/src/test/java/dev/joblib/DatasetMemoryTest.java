package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory on functions that take and return Spark Datasets, with a local store and Spark local[2]:
 * results kept as Parquet inside the entry and read back, arguments keyed by plan and input files.
 */
class DatasetMemoryTest {
  private static SparkSession spark;

  @TempDir Path dir;
  private Path cache;
  private String input;

  @BeforeAll
  static void startSpark() {
    spark = DatasetFunctions.session();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @BeforeEach
  void writeInput() throws IOException {
    dir = dir.toRealPath();
    cache = dir.resolve("cache");
    input = dir.resolve("input").toString();
    DatasetFunctions.writeInput(spark, input, 1000, 4);
  }

  private Dataset<Row> read() {
    return spark.read().parquet(input);
  }

  private static List<Row> expected(Dataset<Row> in) {
    int calls = DatasetFunctions.CALLS.get();
    List<Row> rows = DatasetFunctions.totals(in).collectAsList();
    DatasetFunctions.CALLS.set(calls);
    return rows;
  }

  /** The entry directories of a function, ignoring temporary ones. */
  private List<Path> entries() throws IOException {
    Path functionDir = cache.resolve("joblib/dev.joblib.DatasetFunctions/totals");
    try (Stream<Path> children = Files.list(functionDir)) {
      return children.filter(Files::isDirectory).sorted().toList();
    }
  }

  private void assertReadFromTheCache(Dataset<Row> result) {
    assertThat(result.inputFiles())
        .isNotEmpty()
        .allSatisfy(f -> assertThat(Path.of(URI.create(f))).startsWith(cache));
  }

  @Test
  void aDatasetResultIsStoredAsParquetAndReadBackOnAMissAsOnAHit() throws IOException {
    MemorizedFn1<Dataset<Row>, Dataset<Row>> totals =
        Memory.at(cache).cache(DatasetFunctions::totals);
    List<Row> expected = expected(read());
    int calls = DatasetFunctions.CALLS.get();

    Dataset<Row> first = totals.apply(read());
    assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 1);
    assertReadFromTheCache(first);
    assertThat(first.collectAsList()).isEqualTo(expected);

    Dataset<Row> second = totals.apply(read()); // a new Dataset over the same files: a hit
    assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 1);
    assertReadFromTheCache(second);
    assertThat(second.collectAsList()).isEqualTo(expected);
    assertThat(entries()).hasSize(1);
    assertThat(entries().get(0).resolve("data")).isDirectory();
  }

  @Test
  void aChangedInputFileOrAnotherQueryMisses() throws IOException {
    MemorizedFn1<Dataset<Row>, Dataset<Row>> totals =
        Memory.at(cache).cache(DatasetFunctions::totals);
    int calls = DatasetFunctions.CALLS.get();
    List<Row> before = totals.apply(read()).collectAsList();
    totals.apply(read().filter("v > 10"));
    assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 2);
    totals.apply(read().filter("v > 10"));
    assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 2);

    // one input file gets other content under the same path
    String other = dir.resolve("other").toString();
    DatasetFunctions.writeInput(spark, other, 77, 1);
    Path replacement = parquetFiles(Path.of(other)).get(0);
    Path replaced = parquetFiles(Path.of(input)).get(0);
    Files.copy(replacement, replaced, StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(replaced.resolveSibling("." + replaced.getFileName() + ".crc"));

    Dataset<Row> after = totals.apply(read());
    assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 3);
    assertThat(after.collectAsList()).isEqualTo(expected(read())).isNotEqualTo(before);
  }

  /**
   * Two databases holding a table of the same name are two inputs: the key holds the JDBC URL and
   * options (digested, so no password reaches the store), not only the table's name.
   */
  @Test
  void jdbcTablesOfTheSameNameInTwoDatabasesAreTwoKeys() throws Exception {
    MemorizedFn1<Dataset<Row>, Dataset<Row>> totals =
        Memory.at(cache).cache(DatasetFunctions::totals);
    String first = "jdbc:h2:mem:first-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    String second = "jdbc:h2:mem:second-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    try (Connection a = DriverManager.getConnection(first, "sa", "secret");
        Connection b = DriverManager.getConnection(second, "sa", "secret")) {
      a.createStatement().execute("CREATE TABLE T AS SELECT 1 AS K, 10 AS V");
      b.createStatement().execute("CREATE TABLE T AS SELECT 1 AS K, 99 AS V");
      int calls = DatasetFunctions.CALLS.get();

      long fromFirst = totals.apply(jdbc(first)).first().getLong(1);
      long fromSecond = totals.apply(jdbc(second)).first().getLong(1);
      totals.apply(jdbc(first));

      assertThat(fromFirst).isEqualTo(10);
      assertThat(fromSecond).isEqualTo(99);
      assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 2);
    }
  }

  private static Dataset<Row> jdbc(String url) {
    return spark
        .read()
        .format("jdbc")
        .option("url", url)
        .option("dbtable", "T")
        .option("user", "sa")
        .option("password", "secret")
        .load()
        .selectExpr("K as k", "V as v");
  }

  /** A file source read through DataSource V2 is keyed by its files as through V1. */
  @Test
  void aChangedInputFileMissesWhenParquetIsReadThroughDataSourceV2() throws IOException {
    MemorizedFn1<Dataset<Row>, Dataset<Row>> totals =
        Memory.at(cache).cache(DatasetFunctions::totals);
    String v1Sources = spark.conf().get("spark.sql.sources.useV1SourceList");
    spark.conf().set("spark.sql.sources.useV1SourceList", "");
    try {
      assertThat(read().queryExecution().analyzed().toString()).contains("RelationV2");
      int calls = DatasetFunctions.CALLS.get();
      totals.apply(read());
      String other = dir.resolve("other").toString();
      DatasetFunctions.writeInput(spark, other, 77, 1);
      Path replaced = parquetFiles(Path.of(input)).get(0);
      Files.copy(
          parquetFiles(Path.of(other)).get(0), replaced, StandardCopyOption.REPLACE_EXISTING);
      Files.deleteIfExists(replaced.resolveSibling("." + replaced.getFileName() + ".crc"));

      Dataset<Row> after = totals.apply(read());

      assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 2);
      assertThat(after.collectAsList()).isEqualTo(expected(read()));
    } finally {
      spark.conf().set("spark.sql.sources.useV1SourceList", v1Sources);
    }
  }

  @Test
  void anInMemoryDatasetIsRefusedUnlessIgnoredAndKeyedByAVersion() {
    StructType schema = new StructType().add("k", DataTypes.LongType).add("v", DataTypes.LongType);
    Dataset<Row> inMemory =
        spark.createDataFrame(
            List.of(RowFactory.create(1L, 2L), RowFactory.create(1L, 3L)), schema);
    MemorizedFn1<Dataset<Row>, Dataset<Row>> totals =
        Memory.at(cache).cache(DatasetFunctions::totals);
    assertThatThrownBy(() -> totals.apply(inMemory))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("in memory")
        .hasMessageContaining("ignore(0)");

    MemorizedFn2<Dataset<Row>, String, Dataset<Row>> byVersion =
        Memory.at(cache)
            .cache((Dataset<Row> in, String version) -> DatasetFunctions.totals(in))
            .ignore(0);
    int calls = DatasetFunctions.CALLS.get();
    List<Row> first = byVersion.apply(inMemory, "v1").collectAsList();
    List<Row> second = byVersion.apply(inMemory, "v1").collectAsList();
    assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 1);
    assertThat(second).isEqualTo(first).hasSize(1);
    assertThat(first.get(0).getLong(1)).isEqualTo(5L);
  }

  @Test
  void aTruncatedParquetFileIsRecomputedWithOneWarning() throws IOException {
    MemorizedFn1<Dataset<Row>, Dataset<Row>> totals =
        Memory.at(cache).cache(DatasetFunctions::totals);
    List<Row> expected = expected(read());
    totals.apply(read());
    Path part = parquetFiles(entries().get(0).resolve("data")).get(0);
    try (RandomAccessFile file = new RandomAccessFile(part.toFile(), "rw")) {
      file.setLength(file.length() / 2);
    }
    int calls = DatasetFunctions.CALLS.get();
    try (LogCapture logs = new LogCapture()) {
      Dataset<Row> again = totals.apply(read());
      assertThat(again.collectAsList()).isEqualTo(expected);
      assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 1);
      assertThat(logs.messages(Level.WARNING))
          .singleElement()
          .satisfies(m -> assertThat(m).contains("deleting the entry"));
    }
    totals.apply(read());
    assertThat(DatasetFunctions.CALLS.get()).isEqualTo(calls + 1);
  }

  @Test
  void reduceSizeEvictsDatasetEntriesByTheirDirectorySize() throws IOException {
    Memory memory = Memory.at(cache);
    MemorizedFn1<Dataset<Row>, Dataset<Row>> totals = memory.cache(DatasetFunctions::totals);
    totals.apply(read().filter("v < 300"));
    totals.apply(read().filter("v < 600"));
    totals.apply(read());
    List<Path> entries = entries();
    assertThat(entries).hasSize(3);
    long largest = 0;
    for (Path entry : entries) {
      largest = Math.max(largest, treeSize(entry));
    }
    assertThat(largest).isGreaterThan(1000); // Parquet files, not only a small output

    assertThat(memory.reduceSize(largest, null, null)).isEqualTo(2);
    assertThat(totals.isCached(read())).isTrue();
    assertThat(totals.isCached(read().filter("v < 300"))).isFalse();
    assertThat(totals.isCached(read().filter("v < 600"))).isFalse();
  }

  @Test
  void maxBytesCountsTheParquetFilesOfDatasetEntries() throws IOException {
    MemorizedFn1<Dataset<Row>, Dataset<Row>> probe =
        Memory.at(dir.resolve("probe")).cache(DatasetFunctions::totals);
    probe.apply(read());
    long oneEntry;
    try (Stream<Path> files = Files.walk(dir.resolve("probe/joblib"))) {
      oneEntry = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
    // room for one entry and a half: the second entry's publication evicts the first
    Memory memory = Memory.builder().location(cache).maxBytes(oneEntry * 3 / 2).build();
    MemorizedFn1<Dataset<Row>, Dataset<Row>> totals = memory.cache(DatasetFunctions::totals);
    totals.apply(read().filter("v < 500"));
    totals.apply(read());
    assertThat(entries()).hasSize(1);
    assertThat(totals.isCached(read())).isTrue();
    memory.clear();
    assertThat(cache.resolve("joblib")).doesNotExist();
  }

  @Test
  void aResultComputedInOneJvmIsReadInAnotherWithItsOwnSession() throws Exception {
    MemorizedFn1<Dataset<Row>, Dataset<Row>> totals =
        Memory.at(cache).cache(DatasetFunctions::totals);
    List<Row> rows = totals.apply(read()).collectAsList();

    String out = Jvms.finish(child("totals", cache.toString(), input));
    assertThat(out).contains("calls 0").contains("rows " + rows);
    assertThat(line(out, "files ").split(","))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(Path.of(URI.create(f))).startsWith(cache));
  }

  @Test
  void twoJvmsComputingOneKeyAtOnceBothGetTheValueAndOneEntryRemains() throws Exception {
    List<Row> expected = expected(read());
    Path go = dir.resolve("go");
    Process a = child("totals", cache.toString(), input, go.toString());
    Process b = child("totals", cache.toString(), input, go.toString());
    awaitReady(a);
    awaitReady(b);
    Files.createFile(go);
    String outA = Jvms.finish(a);
    String outB = Jvms.finish(b);
    assertThat(outA).contains("rows " + expected);
    assertThat(outB).contains("rows " + expected);
    List<Path> entries = entries();
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).getFileName().toString()).doesNotStartWith(".");
    // both read the one published entry (a loser reads the winner's files)
    assertThat(Path.of(URI.create(line(outA, "files ").split(",")[0]))).startsWith(entries.get(0));
    assertThat(Path.of(URI.create(line(outB, "files ").split(",")[0]))).startsWith(entries.get(0));
  }

  private static final String WORK =
      """
      package gen;

      import dev.joblib.Fn1;
      import org.apache.spark.sql.Dataset;
      import org.apache.spark.sql.Row;

      public class Work {
        public static Dataset<Row> f(Dataset<Row> in) {
          return BODY;
        }

        public static Fn1<Dataset<Row>, Dataset<Row>> ref() {
          return Work::f;
        }
      }
      """;

  /** Compiles a version of {@code gen.Work} and returns its cached function. */
  private Fn1<Dataset<Row>, Dataset<Row>> compile(String name, String body) throws Exception {
    Path src = dir.resolve(name + "-src/gen/Work.java");
    Path out = Files.createDirectories(dir.resolve(name + "-classes"));
    Files.createDirectories(src.getParent());
    Files.writeString(src, WORK.replace("BODY", body));
    int status =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-classpath",
                System.getProperty("java.class.path"),
                "-d",
                out.toString(),
                src.toString());
    assertThat(status).as("javac exit status").isZero();
    @SuppressWarnings("resource") // kept open: the loaded function is used after this method
    URLClassLoader loader =
        new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
    @SuppressWarnings("unchecked")
    Fn1<Dataset<Row>, Dataset<Row>> fn =
        (Fn1<Dataset<Row>, Dataset<Row>>)
            loader.loadClass("gen.Work").getMethod("ref").invoke(null);
    return fn;
  }

  @Test
  void editingTheFunctionsBytecodeMisses() throws Exception {
    Memory memory = Memory.at(cache);
    MemorizedFn1<Dataset<Row>, Dataset<Row>> v1 =
        memory.cache(compile("v1", "in.groupBy(\"k\").count().orderBy(\"k\")"));
    MemorizedFn1<Dataset<Row>, Dataset<Row>> v2 =
        memory.cache(compile("v2", "in.groupBy(\"k\").max(\"v\").orderBy(\"k\")"));
    assertThat(v1.functionId()).isEqualTo("gen.Work/f").isEqualTo(v2.functionId());

    List<Row> counts = v1.apply(read()).collectAsList();
    assertThat(v1.isCached(read())).isTrue();
    assertThat(v2.isCached(read())).isFalse();
    List<Row> maxima = v2.apply(read()).collectAsList();
    assertThat(maxima).isNotEqualTo(counts);
    assertThat(maxima.get(0).getLong(1)).isEqualTo(994L); // the largest v with v % 7 == 0
    assertThat(v2.isCached(read())).isTrue();
  }

  private static Process child(String... args) throws IOException {
    List<String> flags =
        Arrays.stream(System.getProperty("joblib.spark.opens", "").split(" "))
            .filter(s -> !s.isBlank())
            .toList();
    return Jvms.start(flags, DatasetChild.class, args);
  }

  private static void awaitReady(Process child) throws IOException {
    StringBuilder seen = new StringBuilder();
    int c;
    while ((c = child.getInputStream().read()) != -1) {
      seen.append((char) c);
      if (seen.toString().endsWith("ready\n")) {
        return;
      }
    }
    throw new AssertionError("child JVM ended before it was ready:\n" + seen);
  }

  private static String line(String out, String prefix) {
    return out.lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in:\n" + out))
        .substring(prefix.length());
  }

  private static List<Path> parquetFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
  }

  private static long treeSize(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
