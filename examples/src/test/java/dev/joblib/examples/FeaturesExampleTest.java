package dev.joblib.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code features} job on local[2]: the first run computes, the second reads the cache. */
class FeaturesExampleTest {
  @TempDir Path dir;

  @AfterAll
  static void stopSpark() {
    SparkSession.getDefaultSession()
        .foreach(
            s -> {
              s.stop();
              return null;
            });
  }

  @Test
  void theSecondRunReadsTheFeaturesFromTheCache() throws Exception {
    System.setProperty("spark.master", "local[2]");
    String[] args = {
      "features",
      "--input",
      dir.resolve("events").toString(),
      "--cache",
      dir.resolve("cache").toString(),
      "--rows",
      "20000",
      "--files",
      "2",
      "--users",
      "500"
    };
    String first;
    String second;
    try {
      first = ExamplesTest.run(args);
      second = ExamplesTest.run(args);
    } finally {
      System.clearProperty("spark.master");
    }
    assertThat(first).contains("features: 500 users").contains("computed and stored");
    assertThat(second)
        .contains("features: 500 users")
        .contains("read from the cache")
        .contains(dir.resolve("cache").toUri().getPath());
  }
}
