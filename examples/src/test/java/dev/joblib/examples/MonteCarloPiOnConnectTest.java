package dev.joblib.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.spark.ConnectServer;
import dev.joblib.spark.StandaloneCluster;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pi example with {@code --remote sc://127.0.0.1:<port>} against a real Spark Connect server (a
 * child JVM, local[2], without joblib or the examples on its class path).
 *
 * <p>The example runs as a child JVM of its own, as a user runs it: the Spark Connect client must
 * come before classic Spark's {@code spark-sql-api} on the class path (the client bundles its own
 * build of those classes; see joblib-spark's README), which this test JVM, a classic Spark class
 * path for the other examples' tests, does not give. The child's class path is this JVM's with the
 * client first and {@code spark-sql-api} last, as joblib-spark's {@code connect} test execution
 * orders it.
 */
class MonteCarloPiOnConnectTest {
  @TempDir Path dir;

  @Test
  void printsTheSameEstimateAsOnThreads() throws Exception {
    String onConnect;
    try (ConnectServer server = ConnectServer.start(dir.resolve("server"), "local[2]", Map.of())) {
      onConnect =
          run(
              MonteCarloPi.class.getName(),
              "--remote",
              server.remote(),
              "--samples",
              "4000000",
              "--tasks",
              "8");
    }
    String onThreads =
        run(
            MonteCarloPi.class.getName(),
            "--backend",
            "threads",
            "--samples",
            "4000000",
            "--tasks",
            "8");
    assertThat(Double.parseDouble(estimate(onConnect)))
        .isCloseTo(Math.PI, org.assertj.core.data.Offset.offset(0.01));
    assertThat(estimate(onConnect)).isEqualTo(estimate(onThreads)); // same seeded streams
  }

  /** Runs {@code mainClass} in a child JVM with the client's class path; returns its output. */
  private String run(String mainClass, String... args) throws Exception {
    List<String> command = StandaloneCluster.jvmCommand(clientClassPath(), mainClass, args);
    Path log = Files.createTempFile(dir, "example", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(300, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as("the example finished within 300 s; output:%n%s", output).isTrue();
    assertThat(process.exitValue()).as("the example's exit code; output:%n%s", output).isZero();
    return output;
  }

  /** This JVM's class path with the Connect client first and spark-sql-api last. */
  private static String clientClassPath() {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> first = new ArrayList<>();
    List<String> middle = new ArrayList<>();
    List<String> last = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (name.startsWith("spark-connect-client-jvm")) {
        first.add(entry);
      } else if (name.startsWith("spark-sql-api")) {
        last.add(entry);
      } else {
        middle.add(entry);
      }
    }
    assertThat(first).as("the Spark Connect client on the test class path").isNotEmpty();
    first.addAll(middle);
    first.addAll(last);
    return String.join(File.pathSeparator, first);
  }

  private static String estimate(String output) {
    Matcher m =
        Pattern.compile("pi is roughly ([0-9.]+) \\(4000000 samples in 8 tasks on").matcher(output);
    assertThat(m.find()).as("the estimate line in:%n%s", output).isTrue();
    return m.group(1);
  }
}
