package dev.joblib.beam;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.joblib.Parallel;
import dev.joblib.RemoteTaskException;
import dev.joblib.TaskFailedException;
import dev.joblib.beam.internal.BeamBackendProvider;
import dev.joblib.spi.Capability;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the beam backend adds to the contract: errors as data, staging and its clean-up, options.
 */
class BeamBackendTest {
  @TempDir Path temp;

  private BeamBackend direct() {
    return BeamBackend.of("--tempLocation=" + temp, "--targetParallelism=2");
  }

  @Test
  void aFailingTaskAmongFiftyGivesItsIndexAndOriginalCauseAndLeavesNothingStaged() {
    try (BeamBackend beam = direct()) {
      TaskFailedException e =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  Parallel.create()
                      .backend(beam)
                      .batchSize(1)
                      .map(range(50), BeamBackendTest::failAt23));
      assertThat(e.taskIndex()).isEqualTo(23);
      assertThat(e.backend()).isEqualTo("beam");
      assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessage("bad input 23");
      assertThat(e.getCause().getStackTrace()[0].getMethodName()).isEqualTo("failAt23");
    }
    assertThat(staged()).isEmpty();
  }

  @Test
  void theLowestFailingIndexWinsWhenSeveralBatchesFail() {
    try (BeamBackend beam = direct()) {
      TaskFailedException e =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  Parallel.create()
                      .backend(beam)
                      .batchSize(5)
                      .map(
                          range(40),
                          x -> {
                            if (x % 10 == 7) {
                              throw new IllegalStateException("fails at " + x);
                            }
                            return x;
                          }));
      assertThat(e.taskIndex()).isEqualTo(7);
      assertThat(e.getCause()).hasMessage("fails at 7");
    }
    assertThat(staged()).isEmpty();
  }

  @Test
  void resultsComeBackInOrderAndNothingIsLeftStaged() {
    try (BeamBackend beam = direct()) {
      List<String> results = Parallel.create().backend(beam).map(range(300), x -> "r" + x);
      assertThat(results)
          .isEqualTo(range(300).stream().map(x -> "r" + x).collect(Collectors.toList()));
    }
    assertThat(staged()).isEmpty();
  }

  @Test
  void anExceptionThatCannotBeSerializedArrivesAsItsDescription() {
    try (BeamBackend beam = direct()) {
      TaskFailedException e =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  Parallel.create()
                      .backend(beam)
                      .map(
                          range(4),
                          x -> {
                            if (x == 2) {
                              throw new HoldsAThread("cannot travel");
                            }
                            return x;
                          }));
      assertThat(e.taskIndex()).isEqualTo(2);
      assertThat(e.getCause())
          .isInstanceOf(RemoteTaskException.class)
          .hasMessageContaining(HoldsAThread.class.getName())
          .hasMessageContaining("cannot travel");
    }
  }

  @Test
  void aResultThatCannotBeSerializedNamesTheTaskAndTheField() {
    try (BeamBackend beam = direct()) {
      TaskFailedException e =
          catchThrowableOfType(
              TaskFailedException.class,
              () ->
                  Parallel.create()
                      .backend(beam)
                      .batchSize(2)
                      .map(range(6), x -> x == 3 ? new Box(new Object()) : new Box("ok")));
      assertThat(e.taskIndex()).isEqualTo(3);
      assertThat(e.getCause())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("result of task 3")
          .hasMessageContaining("content");
    }
    assertThat(staged()).isEmpty();
  }

  @Test
  void aTaskThatCannotBeSerializedIsRefusedBeforeAnyPipelineNamingTheField() {
    Object notSerializable = new Object();
    try (BeamBackend beam = direct()) {
      assertThatThrownBy(
              () ->
                  Parallel.create()
                      .backend(beam)
                      .run(List.of(delayed(x -> x.hashCode(), new Box(notSerializable)))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("task 0")
          .hasMessageContaining("content");
    }
    assertThat(staged()).isEmpty();
  }

  @Test
  void optionsAndNJobsReachTheRunner() {
    Parallel p =
        Parallel.create()
            .backend("beam")
            .nJobs(3)
            .option("tempLocation", temp.toString())
            .option("targetParallelism", "5");
    assertThat(p.map(range(10), x -> x + 1)).hasSize(10);
    assertThat(BeamBackend.of("--targetParallelism=5").nJobs()).isEqualTo(5);
    assertThat(new BeamBackendProvider().defaultNJobs()).isEqualTo(-1);
    assertThat(
            new BeamBackendProvider()
                .create(new dev.joblib.spi.BackendSpec(3, Map.of("runner", "DirectRunner"), 0))
                .nJobs())
        .isEqualTo(3);
    assertThat(direct().capabilities())
        .contains(Capability.REMOTE, Capability.TIMEOUT)
        .doesNotContain(Capability.INCREMENTAL_RESULTS, Capability.SHARED_MEMORY);
    assertThat(staged()).isEmpty();
  }

  @Test
  void nJobsForARunnerWhoseParallelismJoblibCannotSetIsRefusedNamingTheRunner() {
    Map<String, String> crashing = Map.of("runner", "org.apache.beam.sdk.testing.CrashingRunner");
    BeamBackendProvider provider = new BeamBackendProvider();

    assertThatThrownBy(() -> provider.create(new dev.joblib.spi.BackendSpec(8, crashing, 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nJobs: 8")
        .hasMessageContaining("CrashingRunner");
    assertThat(provider.create(new dev.joblib.spi.BackendSpec(-1, crashing, 0)).nJobs())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void anUnknownOptionIsRefusedWithItsName() {
    assertThatThrownBy(
            () ->
                new BeamBackendProvider()
                    .create(new dev.joblib.spi.BackendSpec(2, Map.of("noSuchOption", "1"), 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("noSuchOption");
  }

  private List<Path> staged() {
    try (Stream<Path> files = Files.list(temp)) {
      return files.collect(Collectors.toList());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  static int failAt23(int x) throws IOException {
    if (x == 23) {
      throw new IOException("bad input " + x);
    }
    return x;
  }

  /** A value with one field, serializable only when its content is. */
  static final class Box implements Serializable {
    private static final long serialVersionUID = 1L;
    final Object content;

    Box(Object content) {
      this.content = content;
    }
  }

  /** An exception whose field cannot be serialized. */
  static final class HoldsAThread extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Object thread = new Object();

    HoldsAThread(String message) {
      super(message);
    }
  }
}
