package dev.joblib.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.BackendFailedException;
import dev.joblib.Parallel;
import dev.joblib.TaskFailedException;
import dev.joblib.stores.HdfsServer;
import dev.joblib.stores.S3Server;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Staging on {@code hdfs://} and {@code s3://} through Beam's own file systems (the
 * hadoop-file-system and amazon-web-services2 modules), against an in-process HDFS (MiniDFSCluster)
 * and an in-process S3 server (s3proxy): results, task failures, the clean-up checked through the
 * Hadoop client and the AWS SDK, and an unreachable location. Options are given as a user gives
 * them, by name through {@code Parallel.option}. Timeouts only bound a hang.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BeamRemoteStagingTest {
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();
  @RegisterExtension static final S3Server S3 = new S3Server();

  /** The empty file that marks a remote staging directory as in use (StagingDir.IN_USE). */
  private static final String IN_USE_MARKER = ".joblib-staging";

  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final AtomicReference<List<String>> SEEN_WHILE_RUNNING =
      new AtomicReference<>(List.of());
  private static String bucket;
  private static FileSystem hdfs;

  @BeforeAll
  static void clients() throws IOException {
    bucket = S3.newBucket("beam-staging");
    hdfs = FileSystem.newInstance(HDFS.uri(), HDFS.clientConfiguration());
  }

  @AfterAll
  static void closeClients() throws IOException {
    if (hdfs != null) {
      hdfs.close();
    }
  }

  @Test
  void onHdfsResultsComeBackInOrderAndNothingIsLeft() throws IOException {
    String base = newHdfsDir();
    List<Integer> squares =
        hdfsParallel(base)
            .batchSize(7)
            .map(
                range(200), (Integer x) -> x == 0 ? seenWhileRunning(hdfsFilesUnder(base)) : x * x);

    assertThat(squares).isEqualTo(range(200).stream().map(x -> x * x).toList());
    assertThat(SEEN_WHILE_RUNNING.get())
        .as("the staging directory on HDFS while task 0 ran")
        .anyMatch(p -> p.endsWith("/" + IN_USE_MARKER));
    assertThat(hdfsFilesUnder(base)).isEmpty();
  }

  @Test
  void onHdfsAFailingTaskGivesItsIndexAndNothingIsLeft() throws IOException {
    String base = newHdfsDir();
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () -> hdfsParallel(base).batchSize(1).map(range(40), BeamRemoteStagingTest::failAt17));

    assertThat(e.taskIndex()).isEqualTo(17);
    assertThat(e.backend()).isEqualTo("beam");
    assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("fails at 17");
    assertThat(hdfsFilesUnder(base)).isEmpty();
  }

  @Test
  void onHdfsWithTheFlinkRunnerResultsComeBackInOrderAndNothingIsLeft() throws IOException {
    String base = newHdfsDir();
    List<String> results =
        hdfsParallel(base)
            .option("runner", "FlinkRunner")
            .option("flinkMaster", "[local]")
            .map(
                range(60),
                (Integer x) -> "r" + (x == 0 ? seenWhileRunning(hdfsFilesUnder(base)) : x));

    assertThat(results).isEqualTo(range(60).stream().map(x -> "r" + x).toList());
    assertThat(SEEN_WHILE_RUNNING.get()).anyMatch(p -> p.endsWith("/" + IN_USE_MARKER));
    assertThat(hdfsFilesUnder(base)).isEmpty();
  }

  @Test
  void onS3ResultsComeBackInOrderAndNothingIsLeft() {
    String prefix = "run-" + RUNS.incrementAndGet();
    List<Integer> squares =
        s3Parallel(prefix, true)
            .batchSize(7)
            .map(
                range(200),
                (Integer x) -> x == 0 ? seenWhileRunning(s3ObjectsUnder(prefix)) : x * x);

    assertThat(squares).isEqualTo(range(200).stream().map(x -> x * x).toList());
    assertThat(SEEN_WHILE_RUNNING.get())
        .as("the staging prefix on S3 while task 0 ran")
        .anyMatch(p -> p.endsWith("/" + IN_USE_MARKER));
    assertThat(s3ObjectsUnder(prefix)).isEmpty();
  }

  @Test
  void onS3AFailingTaskGivesItsIndexAndNothingIsLeft() {
    String prefix = "run-" + RUNS.incrementAndGet();
    TaskFailedException e =
        catchThrowableOfType(
            TaskFailedException.class,
            () ->
                s3Parallel(prefix, false)
                    .batchSize(1)
                    .map(range(40), BeamRemoteStagingTest::failAt17));

    assertThat(e.taskIndex()).isEqualTo(17);
    assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("fails at 17");
    assertThat(s3ObjectsUnder(prefix)).isEmpty();
  }

  @Test
  void anUnreachableHdfsFailsTheCallWithTheLocationAndTheConnectionError() throws IOException {
    int port = closedPort();
    String location = "hdfs://127.0.0.1:" + port + "/staging";
    Map<String, String> conf = new LinkedHashMap<>(HDFS.clientOptions());
    conf.put("fs.defaultFS", "hdfs://127.0.0.1:" + port);

    BackendFailedException e =
        catchThrowableOfType(
            BackendFailedException.class,
            () ->
                Parallel.create()
                    .backend("beam")
                    .option("tempLocation", location)
                    .option("hdfsConfiguration", "[" + json(conf) + "]")
                    .map(range(4), (Integer x) -> x));

    assertThat(e.backend()).isEqualTo("beam");
    assertThat(e).hasMessageContaining(location);
    assertThat(rootCause(e)).isInstanceOf(ConnectException.class);
    // the backend's own next call, on a reachable cluster, works
    String base = newHdfsDir();
    assertThat(hdfsParallel(base).map(range(3), (Integer x) -> x + 1)).containsExactly(1, 2, 3);
  }

  @Test
  void anUnreachableS3FailsTheCallWithTheLocationAndTheConnectionError() throws IOException {
    int port = closedPort();
    String location = "s3://" + bucket + "/unreachable";

    BackendFailedException e =
        catchThrowableOfType(
            BackendFailedException.class,
            () ->
                s3Options(Parallel.create().backend("beam"), location, "http://127.0.0.1:" + port)
                    .map(range(4), (Integer x) -> x));

    assertThat(e.backend()).isEqualTo("beam");
    assertThat(e).hasMessageContaining(location);
    assertThat(rootCause(e)).isInstanceOf(ConnectException.class);
  }

  @Test
  void aSchemeWithoutItsFileSystemOptionsIsRefusedBeforeAnyTaskRuns() {
    String location = HDFS.uri("/no-configuration").toString();
    IllegalArgumentException e =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () ->
                Parallel.create()
                    .backend("beam")
                    .option("tempLocation", location)
                    .map(range(4), (Integer x) -> x));

    assertThat(e)
        .hasMessageContaining("tempLocation")
        .hasMessageContaining(location)
        .hasMessageContaining("hdfsConfiguration");
  }

  private static Parallel hdfsParallel(String tempLocation) {
    return Parallel.create()
        .backend("beam")
        .nJobs(2)
        .option("tempLocation", tempLocation)
        .option("hdfsConfiguration", "[" + json(HDFS.clientOptions()) + "]");
  }

  /**
   * The beam backend staging under {@code s3://<bucket>/<prefix>}. With {@code pathStyle} the
   * in-process server is addressed as {@code localhost}, where bucket host names ({@code
   * <bucket>.localhost}) do not resolve, through {@link PathStyleS3ClientBuilderFactory}; without
   * it as {@code 127.0.0.1}, which the AWS SDK addresses path-style by itself.
   */
  private static Parallel s3Parallel(String prefix, boolean pathStyle) {
    String endpoint = S3.endpoint().toString();
    Parallel parallel = Parallel.create().backend("beam").nJobs(2);
    if (pathStyle) {
      if (!S3.isExternal()) {
        endpoint = endpoint.replace("//127.0.0.1:", "//localhost:");
      }
      parallel =
          parallel.option("s3ClientFactoryClass", PathStyleS3ClientBuilderFactory.class.getName());
    }
    return s3Options(parallel, "s3://" + bucket + "/" + prefix, endpoint);
  }

  private static Parallel s3Options(Parallel parallel, String tempLocation, String endpoint) {
    return parallel
        .option("tempLocation", tempLocation)
        .option("endpoint", endpoint)
        .option("awsRegion", S3.region().id())
        .option(
            "awsCredentialsProvider",
            json(
                Map.of(
                    "@type", "StaticCredentialsProvider",
                    "accessKeyId", S3.accessKey(),
                    "secretAccessKey", S3.secretKey())));
  }

  /** A new, existing directory on the test HDFS. */
  private static String newHdfsDir() throws IOException {
    String path = "/beam-staging-" + RUNS.incrementAndGet();
    hdfs.mkdirs(new org.apache.hadoop.fs.Path(path));
    return HDFS.uri(path).toString();
  }

  /** Every file and directory under {@code location}, listed with the Hadoop client. */
  private static List<String> hdfsFilesUnder(String location) throws IOException {
    List<String> found = new ArrayList<>();
    listInto(new org.apache.hadoop.fs.Path(location), found);
    return found;
  }

  private static void listInto(org.apache.hadoop.fs.Path dir, List<String> found)
      throws IOException {
    RemoteIterator<LocatedFileStatus> entries = hdfs.listLocatedStatus(dir);
    while (entries.hasNext()) {
      LocatedFileStatus entry = entries.next();
      found.add(entry.getPath().toString());
      if (entry.isDirectory()) {
        listInto(entry.getPath(), found);
      }
    }
  }

  /** Every object and unfinished upload under {@code prefix}, listed with the AWS SDK. */
  private static List<String> s3ObjectsUnder(String prefix) {
    List<String> found = new ArrayList<>();
    S3.client().listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .forEach(found::add);
    S3.client()
        .listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix))
        .uploads()
        .forEach(u -> found.add(u.key() + " (upload " + u.uploadId() + ")"));
    return found;
  }

  private static String json(Map<String, String> map) {
    return map.entrySet().stream()
        .map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /**
   * Records what a task saw in the staging location (the runners here run tasks in this JVM) and
   * returns 0, task 0's square.
   */
  private static int seenWhileRunning(List<String> listing) {
    SEEN_WHILE_RUNNING.set(listing);
    return 0;
  }

  private static Integer failAt17(Integer x) {
    if (x == 17) {
      throw new IllegalStateException("fails at 17");
    }
    return x;
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }
}
