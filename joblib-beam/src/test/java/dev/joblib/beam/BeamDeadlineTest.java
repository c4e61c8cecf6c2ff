package dev.joblib.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.Fn1;
import dev.joblib.Parallel;
import dev.joblib.TaskTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A timeout is a deadline even for a task that ignores interrupts. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BeamDeadlineTest {
  /** Whether the task that swallows interrupts has ended (it does, 120 s after it began). */
  static final AtomicBoolean STUBBORN_ENDED = new AtomicBoolean();

  @TempDir Path temp;

  @Test
  void aTaskThatSwallowsInterruptsEndsTheCallByTimeoutWhileItStillRuns() throws Exception {
    Fn1<Integer, Integer> task =
        i -> {
          if (i == 1) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < end) { // sleeps, and swallows every interrupt
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
              Thread.interrupted();
            }
            STUBBORN_ENDED.set(true);
          }
          return i;
        };
    try (Parallel parallel =
        Parallel.create()
            .backend(BeamBackend.of("--tempLocation=" + temp, "--targetParallelism=2"))
            .batchSize(1)
            .timeout(Duration.ofSeconds(1))) {
      TaskTimeoutException e =
          catchThrowableOfType(
              TaskTimeoutException.class, () -> parallel.map(List.of(0, 1, 2, 3), task));

      assertThat(STUBBORN_ENDED).as("the call waited for the stubborn task").isFalse();
      assertThat(e).isNotNull();
      assertThat(e.taskIndex()).isEqualTo(1);
      assertThat(e.backend()).isEqualTo("beam");
      assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(1));
    }
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).as("staged in tempLocation").isEmpty();
    }
  }
}
