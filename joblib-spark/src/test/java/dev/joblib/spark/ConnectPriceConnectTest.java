package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The price of Spark Connect, printed (not asserted): the first call of a new Connect session
 * (joblib's jars and the test classes uploaded) against its second call, and 10,000 tiny tasks on a
 * Connect session (server in local[2]) against the same on a classic local[2] session in this JVM.
 * Prints {@code connect-price <name> <value> <unit>} lines.
 */
@Tag("benchmark")
class ConnectPriceConnectTest {
  private static final int TINY = 10_000;
  private static final int REPEATS = 5;

  @TempDir Path dir;

  @Test
  void measureThePriceOfConnect() {
    ConnectServer.assumeClientClassPath();
    List<Integer> tiny = IntStream.range(0, TINY).boxed().collect(Collectors.toList());
    List<Integer> expected = tiny.stream().map(x -> x + 1).collect(Collectors.toList());
    try (ConnectServer server = ConnectServer.start(dir, "local[2]", Map.of())) {
      SparkSession connect = server.newSession();
      try (Parallel p = Parallel.create().backend(SparkBackend.of(connect, 2))) {
        long first = System.nanoTime();
        assertThat(p.map(List.of(1, 2), x -> x + 1)).containsExactly(2, 3);
        long firstMillis = (System.nanoTime() - first) / 1_000_000;
        long second = System.nanoTime();
        assertThat(p.map(List.of(1, 2), x -> x + 1)).containsExactly(2, 3);
        long secondMillis = (System.nanoTime() - second) / 1_000_000;
        print("first-call", firstMillis, "ms");
        print("second-call", secondMillis, "ms");
        print("connect-10000-tiny-median", median(p, tiny, expected), "ms");
      } finally {
        connect.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
      }
    }
    SparkSession classic = LocalSpark.start(2);
    try (Parallel p = Parallel.create().backend(SparkBackend.of(classic, 2))) {
      print("classic-10000-tiny-median", median(p, tiny, expected), "ms");
    } finally {
      LocalSpark.stopAll();
    }
  }

  private static long median(Parallel p, List<Integer> tiny, List<Integer> expected) {
    assertThat(p.map(tiny, x -> x + 1)).isEqualTo(expected); // warm
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < REPEATS; i++) {
      long start = System.nanoTime();
      assertThat(p.map(tiny, x -> x + 1)).isEqualTo(expected);
      millis.add((System.nanoTime() - start) / 1_000_000);
    }
    Collections.sort(millis);
    return millis.get(REPEATS / 2);
  }

  private static void print(String name, long value, String unit) {
    System.out.println("connect-price " + name + " " + value + " " + unit);
  }
}
