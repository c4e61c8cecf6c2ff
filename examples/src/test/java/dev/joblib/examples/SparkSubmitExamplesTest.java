package dev.joblib.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.spark.StandaloneCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spark example jobs submitted with {@code org.apache.spark.deploy.SparkSubmit} (the class
 * behind the spark-submit script) in client mode to a real standalone cluster on 127.0.0.1.
 */
class SparkSubmitExamplesTest {
  private static Path dir;
  private static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    dir = Files.createDirectories(Path.of("target", "spark-submit-" + System.nanoTime()));
    cluster = StandaloneCluster.start(dir, 2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String submit(String mainClass, String... args) throws Exception {
    List<String> submitArgs =
        new ArrayList<>(
            List.of(
                "--master",
                cluster.masterUrl(),
                "--deploy-mode",
                "client",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.executor.memory=512m",
                "--class",
                mainClass,
                cluster.jarOf(Path.of("target", "classes")).toString()));
    submitArgs.addAll(List.of(args));
    Path log = dir.resolve(mainClass.substring(mainClass.lastIndexOf('.') + 1) + ".log");
    Process driver =
        cluster.launch(
            cluster.javaCommand(
                "org.apache.spark.deploy.SparkSubmit", submitArgs.toArray(new String[0])),
            log);
    boolean exited = driver.waitFor(300, TimeUnit.SECONDS);
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as("spark-submit finished within 300 s; output:%n%s", output).isTrue();
    assertThat(driver.exitValue()).as("spark-submit's exit code; output:%n%s", output).isZero();
    return output;
  }

  @Test
  void monteCarloPiOnTheClusterMatchesThreadsDigitForDigit() throws Exception {
    String onCluster =
        estimate(submit(MonteCarloPi.class.getName(), "--samples", "4000000", "--tasks", "8"));
    String onThreads =
        estimate(
            inThisJvm(
                () ->
                    MonteCarloPi.main(
                        new String[] {
                          "--backend", "threads", "--samples", "4000000", "--tasks", "8"
                        })));
    assertThat(Double.parseDouble(onCluster))
        .isCloseTo(Math.PI, org.assertj.core.data.Offset.offset(0.01));
    assertThat(onCluster).isEqualTo(onThreads); // same seeded streams on executors and threads
  }

  @Test
  void parallelLoopRunsOnExecutorsAndKeepsOrder() throws Exception {
    String output = submit(ParallelLoop.class.getName());
    assertThat(output)
        .contains("[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]")
        .contains("ran on backend [spark] in 1 JVM(s), none of them this one");
  }

  private static String inThisJvm(Runnable job) {
    java.io.PrintStream original = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      job.run();
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static String estimate(String output) {
    Matcher m =
        Pattern.compile("pi is roughly ([0-9.]+) \\(4000000 samples in 8 tasks on").matcher(output);
    assertThat(m.find()).as("the estimate line in:%n%s", output).isTrue();
    return m.group(1);
  }
}
