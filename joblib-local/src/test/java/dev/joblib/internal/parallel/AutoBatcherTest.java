package dev.joblib.internal.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.spi.DispatchPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AutoBatcherTest {
  private static final long MS = 1_000_000;

  @Test
  void fastBatchesAtMostDoubleUntilTheyReachTheTargetDuration() {
    AutoBatcher batcher = new AutoBatcher(DispatchPolicy.incremental(), null);
    int previous = batcher.size();
    for (int i = 0; i < 40; i++) {
      int size = batcher.size();
      batcher.completed(size, size * MS / 100); // 10 us per task
      assertThat(batcher.size()).isLessThanOrEqualTo(2 * previous);
      previous = batcher.size();
    }
    // 0.2 s to 2 s per batch at 10 us per task: 20,000 to 200,000 tasks
    assertThat(batcher.size()).isBetween(20_000, 200_000);
  }

  @Test
  void slowBatchesShrinkAndOtherSizesAreIgnored() {
    AutoBatcher batcher = new AutoBatcher(DispatchPolicy.incremental(), null);
    for (int i = 0; i < 10; i++) {
      batcher.completed(batcher.size(), MS);
    }
    int grown = batcher.size();
    batcher.completed(grown + 1, 100_000 * MS); // not the current size: ignored
    assertThat(batcher.size()).isEqualTo(grown);
    batcher.completed(grown, 10_000 * MS);
    assertThat(batcher.size()).isLessThan(grown);
  }

  @Test
  void aTimeoutKeepsBatchesFarBelowIt() {
    AutoBatcher batcher = new AutoBatcher(DispatchPolicy.incremental(), Duration.ofMillis(100));
    for (int i = 0; i < 40; i++) {
      batcher.completed(batcher.size(), batcher.size() * MS); // 1 ms per task
    }
    assertThat(batcher.size()).isLessThanOrEqualTo(20);
  }
}
