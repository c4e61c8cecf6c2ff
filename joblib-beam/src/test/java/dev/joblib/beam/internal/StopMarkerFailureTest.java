package dev.joblib.beam.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.Fn1;
import dev.joblib.Parallel;
import dev.joblib.TaskFailedException;
import dev.joblib.beam.BeamBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop markers are an optimisation (fail-fast): when they cannot be written or read, a task's
 * failure still ends the call as the task's failure, never as a failed bundle the runner reruns.
 */
class StopMarkerFailureTest {
  @TempDir Path temp;

  @Test
  void aFailureWhoseMarkerCannotBeWrittenStillFailsTheCallByItsTask() {
    String tempLocation = temp.toString();
    Fn1<Integer, Integer> task =
        i -> {
          if (i == 3) {
            blockTheMarkerFolder(Path.of(tempLocation));
            throw new IllegalStateException("task 3 broke");
          }
          return i;
        };
    try (Parallel parallel =
        Parallel.create()
            .backend(BeamBackend.of("--tempLocation=" + tempLocation, "--targetParallelism=2"))
            .batchSize(1)) {
      TaskFailedException e =
          catchThrowableOfType(
              TaskFailedException.class, () -> parallel.map(List.of(0, 1, 2, 3, 4, 5), task));

      assertThat(e).isNotNull();
      assertThat(e.taskIndex()).isEqualTo(3);
      assertThat(e.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("task 3 broke");
    }
  }

  /** A plain file where the marker folder goes: every marker write and listing fails. */
  private static void blockTheMarkerFolder(Path tempLocation) throws Exception {
    Path stop = PlantedRecordsTest.stagingUnder(tempLocation).resolve(StopSignals.FOLDER);
    if (!Files.exists(stop)) {
      Files.writeString(stop, "not a folder");
    }
  }
}
