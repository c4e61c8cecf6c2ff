package dev.joblib.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * A real Spark standalone cluster on 127.0.0.1: one Master and one Worker JVM, started from a Spark
 * home assembled out of this JVM's own class path (every jar linked, every class directory jarred),
 * so executors see the same classes as the test. {@link #close()} ends every process it started.
 *
 * <p>Published in joblib-spark's test jar for the examples' spark-submit tests.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path home;
  private final int port;
  private final List<Process> processes = new ArrayList<>();

  private StandaloneCluster(Path home, int port) {
    this.home = home;
    this.port = port;
  }

  /**
   * Assembles a Spark home under {@code dir} and starts a Master and a Worker with {@code cores}.
   *
   * @param dir a directory for the Spark home, logs and the worker's work dir
   * @param cores the worker's cores
   * @return the running cluster; its Worker registers a few seconds later
   */
  public static StandaloneCluster start(Path dir, int cores) {
    return start(dir, cores, "2g", Map.of());
  }

  /**
   * As {@link #start(Path, int)} (which gives the Worker 2g), with the Worker's memory and Spark
   * settings for the Worker JVM, such as {@code spark.worker.resource.gpu.amount} and its {@code
   * discoveryScript}.
   *
   * @param dir a directory for the Spark home, logs and the worker's work dir
   * @param cores the worker's cores
   * @param memory the worker's memory for executors, such as {@code "2g"}
   * @param workerConf {@code spark.*} settings given to the Worker as system properties
   * @return the running cluster; its Worker registers a few seconds later
   */
  public static StandaloneCluster start(
      Path dir, int cores, String memory, Map<String, String> workerConf) {
    return start(dir, cores, memory, workerConf, entry -> true);
  }

  /**
   * As {@link #start(Path, int)}, with only the jars of a Spark installation that knows nothing of
   * joblib ({@link ConnectServer#onServer}): for a Spark Connect server on this cluster, to which
   * joblib's code and the tests' classes go up by upload only.
   *
   * @param dir a directory for the Spark home, logs and the worker's work dir
   * @param cores the worker's cores
   * @return the running cluster; its Worker registers a few seconds later
   */
  static StandaloneCluster startWithoutJoblib(Path dir, int cores) {
    return start(dir, cores, "2g", Map.of(), ConnectServer::onServer);
  }

  private static StandaloneCluster start(
      Path dir,
      int cores,
      String memory,
      Map<String, String> workerConf,
      java.util.function.Predicate<Path> keep) {
    try {
      Path home = Files.createDirectories(dir.resolve("spark-home"));
      assembleJars(Files.createDirectories(home.resolve("jars")), keep);
      StandaloneCluster cluster = new StandaloneCluster(home, freePort());
      try {
        cluster.startMaster();
        cluster.startWorker(
            cores, memory, Files.createDirectories(dir.resolve("work")), workerConf);
      } catch (RuntimeException | Error e) {
        cluster.close();
        throw e;
      }
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A session builder for this cluster, as the tests use it: driver on 127.0.0.1, no UI, 512 MiB
   * executors.
   *
   * @param appName the application's name
   * @return the builder; {@code getOrCreate()} it, possibly after more settings
   */
  public SparkSession.Builder session(String appName) {
    return SparkSession.builder()
        .master(masterUrl())
        .appName(appName)
        .config("spark.ui.enabled", false)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.memory", "512m");
  }

  /**
   * Waits until {@code count} executors (besides the driver) have registered with a session.
   *
   * @param session the session on this cluster
   * @param count how many executors
   * @throws InterruptedException if interrupted while waiting
   */
  public static void awaitExecutors(SparkSession session, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (session.sparkContext().statusTracker().getExecutorInfos().length < count + 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no executor registered within 90 s");
      }
      Thread.sleep(200);
    }
  }

  /**
   * Returns the master URL.
   *
   * @return {@code spark://127.0.0.1:<port>}
   */
  public String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /**
   * Returns the assembled Spark home.
   *
   * @return a directory with {@code jars/}
   */
  public Path home() {
    return home;
  }

  /**
   * Returns the jar made of a class directory of the class path, for use as an application jar.
   *
   * @param classDir a directory on the class path, such as {@code target/classes}
   * @return the jar in the Spark home
   */
  public Path jarOf(Path classDir) {
    return home.resolve("jars").resolve(jarName(classDir.toAbsolutePath()));
  }

  /**
   * The environment a Spark process of this cluster needs.
   *
   * @return SPARK_HOME, SPARK_SCALA_VERSION and SPARK_LOCAL_IP
   */
  public Map<String, String> environment() {
    return Map.of(
        "SPARK_HOME", home.toString(),
        "SPARK_SCALA_VERSION", "2.13",
        "SPARK_LOCAL_IP", "127.0.0.1");
  }

  /**
   * The command that runs {@code mainClass} in a new JVM with the Spark home's jars.
   *
   * @param mainClass the class to run
   * @param args its arguments
   * @return the command line
   */
  public List<String> javaCommand(String mainClass, String... args) {
    return jvmCommand(home.resolve("jars") + "/*", mainClass, args);
  }

  /**
   * The command that runs {@code mainClass} in a new JVM of 512 MiB with {@code classPath} and the
   * flags Spark needs on Java 17 (the system property {@code joblib.spark.opens}).
   *
   * @param classPath the class path
   * @param mainClass the class to run
   * @param args its arguments
   * @return the command line
   */
  public static List<String> jvmCommand(String classPath, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(Arrays.asList(System.getProperty("joblib.spark.opens", "").split("\\s+")));
    command.removeIf(String::isBlank);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(Arrays.asList(args));
    return command;
  }

  /**
   * Starts a process of the cluster's kind (environment set, output to {@code log}); {@link
   * #close()} ends it if it still runs.
   *
   * @param command the command line
   * @param log where its output goes
   * @return the process
   */
  public Process launch(List<String> command, Path log) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().putAll(environment());
    try {
      Process process = builder.start();
      synchronized (processes) {
        processes.add(process);
      }
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startMaster() {
    launch(
        javaCommand(
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--webui-port",
            String.valueOf(freePort())),
        home.resolve("master.log"));
    awaitPort(port);
  }

  private void startWorker(int cores, String memory, Path workDir, Map<String, String> conf) {
    List<String> command =
        javaCommand(
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--cores",
            String.valueOf(cores),
            "--memory",
            memory,
            "--webui-port",
            String.valueOf(freePort()),
            "--work-dir",
            workDir.toString(),
            masterUrl());
    int main = command.indexOf("-cp");
    conf.forEach((key, value) -> command.add(main, "-D" + key + "=" + value));
    launch(command, home.resolve("worker.log"));
  }

  /** Ends the Worker (and with it its executors) and the Master, then anything left. */
  @Override
  public void close() {
    List<Process> started;
    synchronized (processes) {
      started = new ArrayList<>(processes);
      processes.clear();
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      Process process = started.get(i);
      List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
      process.destroy();
      children.forEach(ProcessHandle::destroy);
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
      for (ProcessHandle child : children) {
        if (child.isAlive()) {
          child.destroyForcibly();
        }
      }
    }
  }

  private void awaitPort(int target) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", target), 500);
        return;
      } catch (IOException notYet) {
        sleep(200);
      }
      synchronized (processes) {
        if (processes.stream().anyMatch(p -> !p.isAlive())) {
          throw new IllegalStateException("a cluster process died; see the logs in " + home);
        }
      }
    }
    throw new IllegalStateException(
        "the Spark master did not listen on " + target + " within " + START_TIMEOUT);
  }

  /**
   * Links every jar of the test class path into {@code jars} and jars every class directory, of
   * those {@code keep} accepts.
   */
  private static void assembleJars(Path jars, java.util.function.Predicate<Path> keep)
      throws IOException {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry).toAbsolutePath();
      if (!keep.test(path)) {
        continue;
      }
      if (Files.isDirectory(path)) {
        jarDirectory(path, jars.resolve(jarName(path)));
      } else if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
        Path link = jars.resolve(path.getFileName().toString());
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(link, path);
        }
      }
    }
  }

  private static String jarName(Path classDir) {
    // joblib-spark/target/test-classes -> joblib-spark-test-classes.jar
    Path target = classDir.getParent();
    String module =
        target != null && target.getParent() != null ? target.getParent().getFileName() + "-" : "";
    return module + classDir.getFileName() + ".jar";
  }

  private static void jarDirectory(Path dir, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
              out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
              Files.copy(f, out);
              out.closeEntry();
              return FileVisitResult.CONTINUE;
            }
          });
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the cluster", e);
    }
  }
}
