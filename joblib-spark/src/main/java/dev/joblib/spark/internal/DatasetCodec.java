package dev.joblib.spark.internal;

import static java.io.ObjectInputFilter.Status.REJECTED;

import dev.joblib.Joblib;
import dev.joblib.LoadOptions;
import dev.joblib.PersistenceException;
import dev.joblib.spi.ValueCodec;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Keeps a Spark {@code Dataset} result of {@code Memory} as Parquet inside the cache entry: the
 * rows in {@value #DATA}/, and in {@value #MANIFEST} the schema, the element encoder and every data
 * file with its size. A read checks the files against the manifest (a missing or truncated file is
 * a damaged entry) and returns {@code spark.read().schema(schema).parquet(data)}, typed as written.
 *
 * <p>Elements: {@code Row}, Java beans ({@code Encoders.bean}), and {@code String}, {@code Long},
 * {@code Integer}, {@code Double}, {@code Boolean}; another encoder is refused, so the call is not
 * cached (convert with {@code toDF()}).
 */
public final class DatasetCodec implements ValueCodec {
  /** The codec's id, recorded in its entries. */
  public static final String ID = "spark-dataset";

  /** The Parquet directory inside the entry. */
  static final String DATA = "data";

  /** The file listing what was written. */
  static final String MANIFEST = "parquet-manifest.txt";

  /** Creates the codec; called by {@link java.util.ServiceLoader}. */
  public DatasetCodec() {
    Objects.requireNonNull(DATASET); // without Spark, fails here: ServiceLoader skips the codec
  }

  private static final Class<?> DATASET = Dataset.class;

  @Override
  public String id() {
    return ID;
  }

  @Override
  public boolean accepts(Object value) {
    return value instanceof Dataset<?>;
  }

  @Override
  public void write(Object value, URI directory) throws IOException {
    if (!(value instanceof org.apache.spark.sql.classic.Dataset<?> dataset)) {
      throw new IOException(
          "cannot store a Spark Connect Dataset ("
              + value.getClass().getName()
              + "): Memory writes Datasets from a classic Spark driver only");
    }
    String encoder = encoderName(dataset);
    Path data = new Path(new Path(directory), DATA);
    if ("file".equals(directory.getScheme()) && !dataset.sparkSession().sparkContext().isLocal()) {
      // executors on other machines would commit their part files to their own disks
      throw new IOException(
          "cannot store a Dataset in the local directory "
              + directory
              + " from a cluster ("
              + dataset.sparkSession().sparkContext().master()
              + "): its executors cannot write there; use a Memory location they share (hdfs://)");
    }
    try {
      dataset.write().mode(SaveMode.ErrorIfExists).parquet(data.toString());
    } catch (Exception e) { // Spark's checked exceptions (AnalysisException) come unchecked
      throw new IOException("cannot write the Dataset as Parquet to " + data + ": " + e, e);
    }
    Configuration conf = dataset.sparkSession().sparkContext().hadoopConfiguration();
    FileSystem fs = data.getFileSystem(conf);
    StringBuilder manifest = new StringBuilder();
    manifest.append("encoder\t").append(encoder).append('\n');
    manifest.append("schema\t").append(dataset.schema().json()).append('\n');
    Map<String, Long> files = dataFiles(fs, data);
    if (files.keySet().stream().noneMatch(name -> name.startsWith("part-"))) {
      throw new IOException(
          "Spark wrote no part file into " + data + " (found " + files.keySet() + ")");
    }
    for (Map.Entry<String, Long> file : files.entrySet()) {
      manifest.append("file\t").append(file.getValue()).append('\t').append(file.getKey());
      manifest.append('\n');
    }
    try (OutputStream out = fs.create(new Path(new Path(directory), MANIFEST), false)) {
      out.write(manifest.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public Object read(URI directory) throws IOException {
    SparkSession spark = SparkSession.active();
    Path data = new Path(new Path(directory), DATA);
    Configuration conf =
        ((org.apache.spark.sql.classic.SparkSession) spark).sparkContext().hadoopConfiguration();
    FileSystem fs = data.getFileSystem(conf);
    String encoder = null;
    StructType schema = null;
    Map<String, Long> written = new TreeMap<>();
    for (String line : readManifest(fs, new Path(new Path(directory), MANIFEST))) {
      String[] f = line.split("\t", 3);
      if (f.length < 2) {
        throw damaged("unknown line in " + MANIFEST + " in " + directory + ": " + line);
      }
      switch (f[0]) {
        case "encoder" -> encoder = f[1];
        case "schema" -> schema = schema(f, directory);
        case "file" -> written.put(f[2], size(f, directory));
        default -> throw damaged("unknown line in " + MANIFEST + " in " + directory + ": " + line);
      }
    }
    if (encoder == null || schema == null) {
      throw damaged(MANIFEST + " in " + directory + " lacks the encoder or the schema");
    }
    if (written.keySet().stream().noneMatch(name -> name.startsWith("part-"))) {
      // Spark writes at least one part file, even for no rows
      throw damaged(MANIFEST + " in " + directory + " lists no Parquet part file");
    }
    Map<String, Long> found = dataFiles(fs, data);
    for (Map.Entry<String, Long> file : written.entrySet()) {
      Long size = found.get(file.getKey());
      if (size == null) {
        throw damaged("Parquet file " + file.getKey() + " is missing from " + data);
      }
      if (size.longValue() != file.getValue()) {
        throw new PersistenceException(
            PersistenceException.Reason.TRUNCATED,
            "Parquet file "
                + file.getKey()
                + " in "
                + data
                + " has "
                + size
                + " bytes, "
                + file.getValue()
                + " were written (truncated or damaged)",
            null,
            null);
      }
    }
    Dataset<Row> rows = spark.read().schema(schema).parquet(data.toString());
    return encoder.equals("row") ? rows : rows.as(encoder(encoder));
  }

  /** A manifest or data file that is missing or does not match what was written. */
  private static PersistenceException damaged(String message) {
    return new PersistenceException(PersistenceException.Reason.CORRUPT, message, null, null);
  }

  private static StructType schema(String[] line, URI directory) {
    try {
      return (StructType) DataType.fromJson(line[1]);
    } catch (RuntimeException e) {
      throw damaged("unreadable schema in " + MANIFEST + " in " + directory + ": " + e);
    }
  }

  private static long size(String[] line, URI directory) {
    if (line.length != 3) {
      throw damaged("a file line of " + MANIFEST + " in " + directory + " has no size or name");
    }
    try {
      return Long.parseLong(line[1]);
    } catch (NumberFormatException e) {
      throw damaged("unreadable file size in " + MANIFEST + " in " + directory + ": " + line[1]);
    }
  }

  /** The files of the Parquet directory (not hidden ones such as checksums), by name. */
  private static Map<String, Long> dataFiles(FileSystem fs, Path data) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    FileStatus[] listed;
    try {
      listed = fs.listStatus(data);
    } catch (FileNotFoundException e) {
      throw damaged("the Parquet directory " + data + " is missing");
    }
    for (FileStatus file : listed) {
      String name = file.getPath().getName();
      if (file.isFile() && !name.startsWith(".")) {
        files.put(name, file.getLen());
      }
    }
    return files;
  }

  private static List<String> readManifest(FileSystem fs, Path manifest) throws IOException {
    try (InputStream in = fs.open(manifest)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>();
      for (String line : text.split("\n")) {
        if (!line.isEmpty()) {
          lines.add(line);
        }
      }
      return lines;
    } catch (FileNotFoundException e) {
      throw damaged(MANIFEST + " is missing from " + manifest.getParent());
    }
  }

  /** Names the element encoder so that a read in another JVM can build it again. */
  private static String encoderName(org.apache.spark.sql.classic.Dataset<?> dataset)
      throws IOException {
    Class<?> type = dataset.exprEnc().clsTag().runtimeClass();
    if (Row.class.isAssignableFrom(type)) {
      return "row";
    }
    if (dataset.exprEnc().encoder() instanceof AgnosticEncoders.JavaBeanEncoder<?>) {
      return "bean:" + type.getName();
    }
    if (SIMPLE.containsKey(type.getName())) {
      return type.getName();
    }
    throw new IOException(
        "cannot store a Dataset<"
            + type.getName()
            + ">: Memory stores Datasets of Row, Java beans, String, Long, Integer, Double and"
            + " Boolean; convert it with toDF() or as(Encoders.bean(...))");
  }

  private static final Map<String, Encoder<?>> SIMPLE =
      Map.of(
          String.class.getName(), Encoders.STRING(),
          Long.class.getName(), Encoders.LONG(),
          Integer.class.getName(), Encoders.INT(),
          Double.class.getName(), Encoders.DOUBLE(),
          Boolean.class.getName(), Encoders.BOOLEAN());

  /**
   * Refuses a bean class named by a manifest (which anyone who can write the store can edit) whose
   * setters reading the rows would run: a JDK class (a {@code JdbcRowSetImpl} bean connects where
   * its setters say), a proxy or a known deserialization gadget, as {@code Joblib.load}'s filter
   * refuses them.
   */
  static void requireHarmlessBean(Class<?> bean) {
    String name = bean.getName();
    boolean jdk =
        bean.getClassLoader() == null
            || name.startsWith("java.")
            || name.startsWith("javax.")
            || name.startsWith("jdk.")
            || name.startsWith("sun.")
            || name.startsWith("com.sun.");
    if (jdk || Joblib.loadFilter(LoadOptions.defaults()).checkInput(classOnly(bean)) == REJECTED) {
      throw new PersistenceException(
          PersistenceException.Reason.REFUSED,
          MANIFEST + " names the bean class " + name + ", which a cached Dataset may not use",
          null,
          null);
    }
  }

  /** The filter's view of one class, outside any stream. */
  private static ObjectInputFilter.FilterInfo classOnly(Class<?> type) {
    return new ObjectInputFilter.FilterInfo() {
      @Override
      public Class<?> serialClass() {
        return type;
      }

      @Override
      public long arrayLength() {
        return -1;
      }

      @Override
      public long depth() {
        return 1;
      }

      @Override
      public long references() {
        return 1;
      }

      @Override
      public long streamBytes() {
        return 0;
      }
    };
  }

  private static Encoder<?> encoder(String name) throws IOException {
    if (name.startsWith("bean:")) {
      String className = name.substring("bean:".length());
      Class<?> bean;
      try {
        bean = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
      } catch (ClassNotFoundException e) {
        throw new PersistenceException(
            PersistenceException.Reason.CLASS_NOT_FOUND,
            "the Dataset's bean class " + className + " is not found",
            null,
            e);
      }
      requireHarmlessBean(bean);
      return Encoders.bean(bean);
    }
    Encoder<?> simple = SIMPLE.get(name);
    if (simple == null) {
      throw damaged("unknown Dataset encoder in " + MANIFEST + ": " + name);
    }
    return simple;
  }
}
