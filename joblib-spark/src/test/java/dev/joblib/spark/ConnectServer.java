package dev.joblib.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * A real Spark Connect server ({@code SparkConnectServer}) in a child JVM on 127.0.0.1 with a free
 * port. Its class path is this JVM's jars without joblib's own jars, its class directories and the
 * Connect client, and without the libraries joblib brings (hashing, ASM): what a server that knows
 * nothing of joblib has, so joblib's code and the tests' classes reach it only by upload. {@link
 * #close()} ends the process. Public for the examples' tests (the test jar).
 */
public final class ConnectServer implements AutoCloseable {
  private static final List<String> NOT_ON_SERVER =
      List.of("joblib-", "spark-connect-client-jvm", "zero-allocation-hashing", "asm-9");

  private final Process process;
  private final int port;
  private final Path log;

  private ConnectServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts a server whose Spark runs on {@code master}, and waits until it listens.
   *
   * @param dir for its log and argument file
   * @param master such as {@code local[2]} or {@code spark://127.0.0.1:7077}
   * @param conf more {@code spark.*} settings for the server's session
   */
  public static ConnectServer start(Path dir, String master, Map<String, String> conf) {
    try {
      Files.createDirectories(dir);
      int port = freePort();
      List<String> options = new ArrayList<>();
      options.add("-Xmx1g");
      options.addAll(Arrays.asList(System.getProperty("joblib.spark.opens", "").split("\\s+")));
      options.removeIf(String::isBlank);
      options.add("-Dspark.master=" + master);
      options.add("-Dspark.app.name=joblib-connect-server");
      options.add("-Dspark.ui.enabled=false");
      options.add("-Dspark.driver.host=127.0.0.1");
      options.add("-Dspark.driver.bindAddress=127.0.0.1");
      options.add("-Dspark.connect.grpc.binding.address=127.0.0.1");
      options.add("-Dspark.connect.grpc.binding.port=" + port);
      conf.forEach((key, value) -> options.add("-D" + key + "=" + value));
      options.add("-cp");
      options.add(serverClassPath());
      Path args = dir.resolve("server.args");
      Files.write(args, options);
      Path log = dir.resolve("connect-server.log");
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "@" + args,
              "org.apache.spark.sql.connect.service.SparkConnectServer");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.redirectOutput(log.toFile());
      builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      ConnectServer server = new ConnectServer(builder.start(), port, log);
      try {
        server.awaitListening();
      } catch (RuntimeException | Error e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Skips the calling test unless the Connect client's classes come first on this class path (the
   * {@code connect} surefire execution; see joblib-spark's pom).
   */
  static void assumeClientClassPath() {
    java.security.CodeSource source =
        org.apache.spark.sql.util.ArrowUtils.class.getProtectionDomain().getCodeSource();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        source != null && source.getLocation().toString().contains("spark-connect-client-jvm"),
        "Spark Connect tests run in the 'connect' surefire execution, where the client's"
            + " spark-sql-api classes come first");
  }

  /** The server's address, {@code sc://127.0.0.1:<port>}. */
  public String remote() {
    return "sc://127.0.0.1:" + port;
  }

  /** A new Connect session on the server (it becomes the default session if there is none). */
  SparkSession newSession() {
    return SparkSession.builder().config("spark.api.mode", "connect").remote(remote()).create();
  }

  /** The server's output so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Spark Connect server died; its log:\n" + log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting the Connect server", e);
        }
      }
    }
    throw new IllegalStateException("the Spark Connect server did not listen on " + port);
  }

  /** This JVM's jars, less joblib's, the client's and the libraries joblib brings. */
  private static String serverClassPath() {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> kept = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (onServer(path)) {
        kept.add(path.toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, kept);
  }

  /**
   * Whether a class path entry of this JVM is one a server that knows nothing of joblib has: a jar,
   * not joblib's, not the client's, not a library joblib brings; no class directory.
   */
  static boolean onServer(Path entry) {
    String name = entry.getFileName() == null ? "" : entry.getFileName().toString();
    return name.endsWith(".jar")
        && Files.isRegularFile(entry)
        && NOT_ON_SERVER.stream().noneMatch(name::startsWith);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ends the server. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
