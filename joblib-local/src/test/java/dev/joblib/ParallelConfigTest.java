package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.internal.parallel.Settings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ParallelConfigTest {
  private static String backendSeenByTasks(Parallel p) {
    return p.map(List.of(1, 2, 3, 4), x -> TaskContext.current().backend()).get(0);
  }

  @Test
  void scopesNestMergeAndRestore() {
    assertThat(backendSeenByTasks(Parallel.create())).isEqualTo("sequential");
    try (var outer = ParallelConfig.builder().backend("threads").nJobs(2).open()) {
      assertThat(backendSeenByTasks(Parallel.create())).isEqualTo("threads");
      try (var inner = ParallelConfig.builder().nJobs(1).open()) {
        // the inner scope overrides nJobs only; one job runs in the calling thread
        assertThat(backendSeenByTasks(Parallel.create())).isEqualTo("sequential");
        assertThat(ParallelConfig.current().backendId()).isEqualTo("threads");
      }
      assertThat(backendSeenByTasks(Parallel.create())).isEqualTo("threads");
      // explicit settings win over the scope
      assertThat(backendSeenByTasks(Parallel.create().backend("sequential")))
          .isEqualTo("sequential");
    }
    assertThat(ParallelConfig.current()).isEqualTo(Settings.EMPTY);
  }

  @Test
  void closingOutOfOrderIsRefusedAndClosingTwiceIsHarmless() {
    var outer = ParallelConfig.use("threads");
    var inner = ParallelConfig.use("sequential");
    assertThatThrownBy(outer::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reverse order");
    inner.close();
    inner.close();
    outer.close();
    assertThat(ParallelConfig.current()).isEqualTo(Settings.EMPTY);
  }

  @Test
  void scopesBelongToTheirThread() throws Exception {
    try (var scope = ParallelConfig.builder().backend("threads").nJobs(2).open()) {
      String other =
          CompletableFuture.supplyAsync(() -> backendSeenByTasks(Parallel.create())).get();
      assertThat(other).isEqualTo("sequential");
      var closedElsewhere = CompletableFuture.runAsync(scope::close);
      assertThatThrownBy(closedElsewhere::get).hasCauseInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void builderRejectsBadValuesNamingTheParameter() {
    assertThatThrownBy(() -> ParallelConfig.builder().nJobs(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nJobs");
    assertThatThrownBy(() -> ParallelConfig.use(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backend");
    assertThatThrownBy(() -> ParallelConfig.builder().preDispatch("3*jobs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("preDispatch");
  }
}
