package dev.joblib.beam.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example job runs on both runners and, being seeded, gives the same estimate on each. */
class MonteCarloPiTest {
  @TempDir Path temp;

  @Test
  void sameEstimateOnTheDirectAndTheFlinkRunner() {
    double direct =
        MonteCarloPi.estimate(
            "--runner=DirectRunner", "--targetParallelism=2", "--tempLocation=" + temp);
    double flink =
        MonteCarloPi.estimate(
            "--runner=FlinkRunner",
            "--flinkMaster=[local]",
            "--parallelism=2",
            "--tempLocation=" + temp);
    assertThat(direct).isCloseTo(Math.PI, within(0.01));
    assertThat(flink).isEqualTo(direct);
    assertThat(temp).isEmptyDirectory();
  }
}
