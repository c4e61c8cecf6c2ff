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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A timeout is a deadline even for a task that ignores interrupts, and it is per task: many short
 * tasks never add up to it. No timing is asserted but generous bounds against a hang.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BeamDeadlineTest {
  /** Whether the task that swallows interrupts has ended (it does, 120 s after it began). */
  static final AtomicBoolean STUBBORN_ENDED = new AtomicBoolean();

  /** Lets the spinning task go (set when its test ends). */
  static final AtomicBoolean RELEASE_SPINNER = new AtomicBoolean();

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

  @Test
  void aTaskSpinningWithoutCheckingInterruptsEndsTheCallByTimeoutAndLeavesNothingStaged()
      throws Exception {
    Fn1<Integer, Integer> task =
        i -> {
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (i == 1 && !RELEASE_SPINNER.get() && System.nanoTime() < end) {
            Thread.onSpinWait(); // never looks at its interrupt
          }
          return i;
        };
    try (Parallel parallel = underATimeoutOfOneSecond()) {
      CompletableFuture<List<Integer>> call =
          CompletableFuture.supplyAsync(() -> parallel.map(List.of(0, 1, 2, 3), task));
      Throwable thrown;
      try {
        call.get(60, TimeUnit.SECONDS);
        throw new AssertionError("the call returned instead of timing out");
      } catch (ExecutionException e) {
        thrown = e.getCause();
      }

      assertThat(thrown).isInstanceOf(TaskTimeoutException.class);
      TaskTimeoutException e = (TaskTimeoutException) thrown;
      assertThat(e.taskIndex()).isEqualTo(1);
      assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(1));
      awaitEmpty(temp);
    } finally {
      RELEASE_SPINNER.set(true);
    }
  }

  @Test
  void twoThousandTasksOfFiveMillisUnderATimeoutOfOneSecondAllReturnInOrder() {
    List<Integer> input = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
    try (Parallel parallel = underATimeoutOfOneSecond()) {
      List<Integer> results =
          parallel.map(
              input,
              x -> {
                Thread.sleep(5);
                return x;
              });

      assertThat(results).isEqualTo(input);
    }
  }

  @Test
  void aSingleTaskLongerThanTheTimeoutStillFailsOnceTheBatchesHaveGrown() {
    List<Integer> input = IntStream.range(0, 2000).boxed().collect(Collectors.toList());
    // four waves: the later ones run pieces sized from the earlier
    try (Parallel parallel = underATimeoutOfOneSecond().preDispatch(500)) {
      TaskTimeoutException e =
          catchThrowableOfType(
              TaskTimeoutException.class,
              () ->
                  parallel.map(
                      input,
                      x -> {
                        Thread.sleep(x == 1700 ? 30_000 : 5);
                        return x;
                      }));

      assertThat(e).isNotNull();
      assertThat(e.taskIndex()).isBetween(1500, 1700);
      assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(1));
    }
  }

  /** A call on the DirectRunner with two workers, staging in {@code temp}, under timeout(1s). */
  private Parallel underATimeoutOfOneSecond() {
    return Parallel.create()
        .backend(BeamBackend.of("--tempLocation=" + temp, "--targetParallelism=2"))
        .timeout(Duration.ofSeconds(1));
  }

  /** Waits (at most a minute) until nothing is left under {@code dir}. */
  static void awaitEmpty(Path dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Stream<Path> left = Files.list(dir)) {
        List<Path> staged = left.collect(Collectors.toList());
        if (staged.isEmpty()) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("still staged in tempLocation: " + staged);
        }
      }
      Thread.sleep(50);
    }
  }
}
