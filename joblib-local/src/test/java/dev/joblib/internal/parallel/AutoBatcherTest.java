package dev.joblib.internal.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.spi.DispatchPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AutoBatcherTest {
  private static final long MS = 1_000_000;

  @Test
  void fastBatchesOfAStreamAtMostDoubleUntilTheyReachTheTargetDuration() {
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
  void fastBatchesOfACollectingCallGrowNoFurtherThanTheMinimumDurationPredicts() {
    AutoBatcher batcher = collecting();
    int previous = batcher.size();
    for (int i = 0; i < 40; i++) {
      int size = batcher.size();
      batcher.completed(size, size * MS / 100); // 10 us per task
      // never more than doubling or the size predicted to last the minimum duration, 0.2 s
      assertThat(batcher.size()).isLessThanOrEqualTo(Math.max(2 * previous, 20_000));
      previous = batcher.size();
    }
    assertThat(batcher.size()).isBetween(20_000, 200_000);
  }

  @Test
  void aFastFirstBatchOfACollectingCallJumpsToTheSizeThatLastsTheMinimumDuration() {
    AutoBatcher batcher = collecting();
    batcher.completed(1, MS / 100); // one task of 10 us: 0.2 s is 20,000 of them
    assertThat(batcher.size()).isEqualTo(20_000);
    batcher.completed(20_000, 20_000 * MS / 100); // on target: kept
    assertThat(batcher.size()).isEqualTo(20_000);
  }

  @Test
  void tinyTasksOfACollectingCallReachTheLargestBatchWithinThreeBatches() {
    AutoBatcher batcher = collecting();
    int batches = 0;
    while (batcher.size() < AutoBatcher.MAX_SIZE && batches < 20) {
      int size = batcher.size();
      batcher.completed(size, MS + size * 10L); // a 1 ms round trip, 10 ns per task
      batches++;
    }
    assertThat(batches).isLessThanOrEqualTo(3); // joblib's doubling takes 16
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

  private static AutoBatcher collecting() {
    AutoBatcher batcher = new AutoBatcher(DispatchPolicy.incremental(), null);
    batcher.collecting();
    return batcher;
  }
}
