package dev.joblib.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Parallel;
import java.util.List;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CPUs and GPUs per task: bad values are refused before any work, naming the parameter; in local
 * mode, where Spark refuses task resources, calls run on the default profile.
 */
class TaskResourceOptionsTest {
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    LocalSpark.stopAll();
    spark = LocalSpark.start(2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void badValuesNameTheParameter() {
    SparkBackend backend = SparkBackend.of(spark);
    assertThatThrownBy(() -> backend.cpusPerTask(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpusPerTask")
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> backend.cpusPerTask(-2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpusPerTask");
    assertThatThrownBy(() -> backend.gpusPerTask(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpusPerTask");
    assertThatThrownBy(() -> backend.gpusPerTask(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpusPerTask");
    assertThatThrownBy(() -> backend.gpusPerTask(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpusPerTask");
    var profile = new ResourceProfileBuilder().require(new TaskResourceRequests().cpus(1)).build();
    assertThatThrownBy(() -> backend.cpusPerTask(2).resourceProfile(profile))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void theSparkIdTakesThemAsOptions() {
    try (Parallel p = Parallel.create().backend("spark").option("cpusPerTask", "0")) {
      assertThatThrownBy(() -> p.map(List.of(1), x -> x))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cpusPerTask");
    }
    try (Parallel p = Parallel.create().backend("spark").option("gpusPerTask", "many")) {
      assertThatThrownBy(() -> p.map(List.of(1), x -> x))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("gpusPerTask")
          .hasMessageContaining("many");
    }
    try (Parallel p = Parallel.create().backend("spark").option("cpusPerTask", "2")) {
      assertThat(p.map(List.of(1, 2), x -> x * 3)).containsExactly(3, 6);
    }
  }

  @Test
  void localModeRunsOnTheDefaultProfile() {
    SparkBackend backend = SparkBackend.of(spark).cpusPerTask(2);
    assertThat(backend.nJobs()).as("local[2], default profile").isEqualTo(2);
    try (Parallel p = Parallel.create().backend(backend)) {
      assertThat(p.map(List.of(1, 2, 3), x -> x + 1)).containsExactly(2, 3, 4);
    }
  }
}
