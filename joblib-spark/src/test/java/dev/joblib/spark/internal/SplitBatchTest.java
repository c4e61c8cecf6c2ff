package dev.joblib.spark.internal;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Task;
import dev.joblib.spark.internal.SplitBatch.Part;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.Nesting;
import java.util.ArrayDeque;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Parts of a batch and their merge; which parts go into a job, and each one's share. */
class SplitBatchTest {
  private static final long MIB = 1 << 20;

  static Integer same(Integer x) {
    return x;
  }

  private static Batch batch(int sequence, int firstIndex, int size) {
    List<Task<?>> tasks =
        IntStream.range(firstIndex, firstIndex + size)
            .mapToObj(i -> delayed(SplitBatchTest::same, i))
            .collect(Collectors.toList());
    return new Batch(sequence, firstIndex, tasks, 7, "spark", new Nesting("sequential", 1, 1, 0));
  }

  @Test
  void partsRunTheirTasksWithTheBatchsIndicesAndMergeBackInOrder() {
    Part whole = SplitBatch.of(batch(3, 10, 5));
    List<Part> parts = SplitBatch.split(whole, 2);
    assertThat(parts).extracting(p -> p.batch().firstIndex()).containsExactly(10, 12, 14);
    assertThat(parts).extracting(p -> p.batch().sequence()).containsOnly(3);
    // outcomes arrive out of order; the batch's comes once, with every result in task order
    assertThat(whole.whole().merge(parts.get(2).batch().run())).isNull();
    assertThat(whole.whole().merge(parts.get(0).batch().run())).isNull();
    BatchOutcome merged = whole.whole().merge(parts.get(1).batch().run());
    assertThat(merged.succeeded()).isTrue();
    assertThat(merged.sequence()).isEqualTo(3);
    assertThat(merged.firstIndex()).isEqualTo(10);
    assertThat(merged.results()).containsExactly(10, 11, 12, 13, 14);
  }

  @Test
  void theFirstFailureIsReportedAtOnceAndLaterPartsAreIgnored() {
    Part whole = SplitBatch.of(batch(0, 0, 6));
    List<Part> parts = SplitBatch.split(whole, 3);
    Batch second = parts.get(1).batch();
    BatchOutcome failed =
        whole.whole().merge(BatchOutcome.failure(second, 4, new IllegalStateException("boom")));
    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.failedIndex()).isEqualTo(4);
    assertThat(failed.size()).isEqualTo(6);
    assertThat(whole.whole().reported()).isTrue();
    assertThat(whole.whole().merge(parts.get(0).batch().run())).isNull();
  }

  @Test
  void measuredSizesCutConsecutiveTasksWithinTheBudget() {
    Part whole = SplitBatch.of(batch(0, 0, 6));
    // the first task came back; the other five measured 40, 30, 50, 10 and 90 bytes
    List<Part> parts = SplitBatch.splitBySizes(whole, 1, new long[] {40, 30, 50, 10, 90}, 80);
    assertThat(parts).extracting(p -> p.batch().firstIndex()).containsExactly(1, 3, 5);
    assertThat(parts).extracting(Part::size).containsExactly(2, 2, 1);
    assertThat(parts).extracting(Part::knownBytes).containsExactly(70L, 60L, 90L);
  }

  /** Spark's default setting (1 GiB): a wave of tiny results is one job from the start. */
  @Test
  void underALargeSettingTheFirstJobTakesTheWholeWaveFromAGuess() {
    JobCutter cutter = new JobCutter(new ResultLimit(1L << 30));
    ArrayDeque<Part> queue = new ArrayDeque<>();
    for (int b = 0; b < 4; b++) {
      queue.add(SplitBatch.of(batch(b, b * 2500, 2500)));
    }

    assertThat(cutter.nextJob(queue, 100)).hasSize(4);
    assertThat(cutter.bytesPerTask()).isEqualTo(JobCutter.GUESSED_BYTES_PER_TASK);
  }

  @Test
  void untilAnOutcomeIsSeenEachJobTakesOnePart() {
    JobCutter cutter = new JobCutter(new ResultLimit(MIB));
    ArrayDeque<Part> queue = new ArrayDeque<>(List.of(SplitBatch.of(batch(0, 0, 16))));
    queue.add(SplitBatch.of(batch(1, 16, 16)));
    List<Part> job = cutter.nextJob(queue, 100);
    assertThat(job).hasSize(1);
    assertThat(job.get(0).size()).isEqualTo(16);
    assertThat(cutter.shares(job)).containsExactly(MIB - 4096);
  }

  @Test
  void aJobTakesConsecutivePartsWithinHalfTheSettingAndSplitsOnesExpectedAbove() {
    JobCutter cutter = new JobCutter(new ResultLimit(MIB));
    cutter.observe(16, 16 * 66_000L);
    ArrayDeque<Part> queue = new ArrayDeque<>();
    for (int b = 0; b < 3; b++) {
      queue.add(SplitBatch.of(batch(b, 16 * b, 16)));
    }
    List<Part> job = cutter.nextJob(queue, 100);
    // half of 1 MiB less 4 KiB per part holds 7 tasks of 66 kB: a batch of 16 runs as 7, 7, 2
    assertThat(job).extracting(Part::size).containsExactly(7);
    assertThat(queue).extracting(Part::size).startsWith(7, 2, 16, 16);
    List<Part> next = cutter.nextJob(queue, 100);
    assertThat(next).extracting(Part::size).containsExactly(7);
    // the next batch's first 7 tasks would pass half the setting: they start the next job
    assertThat(cutter.nextJob(queue, 100)).extracting(Part::size).containsExactly(2);
    assertThat(cutter.nextJob(queue, 100)).extracting(Part::size).containsExactly(7);
    // small parts share a job, each allowed its share of the whole setting
    queue.clear();
    queue.add(SplitBatch.of(batch(5, 80, 2)));
    queue.add(SplitBatch.of(batch(6, 82, 3)));
    List<Part> shared = cutter.nextJob(queue, 100);
    assertThat(shared).extracting(Part::size).containsExactly(2, 3);
    long[] shares = cutter.shares(shared);
    assertThat(shares[0] + shares[1]).isLessThanOrEqualTo(MIB - 2 * 4096);
    assertThat(shares[0]).isGreaterThanOrEqualTo(2 * 2 * 66_000L);
    assertThat(shares[1]).isGreaterThanOrEqualTo(2 * 3 * 66_000L);
  }

  @Test
  void withNoLimitAJobTakesEveryQueuedPart() {
    JobCutter cutter = new JobCutter(new ResultLimit(0));
    ArrayDeque<Part> queue = new ArrayDeque<>();
    for (int b = 0; b < 4; b++) {
      queue.add(SplitBatch.of(batch(b, 16 * b, 16)));
    }
    List<Part> job = cutter.nextJob(queue, Integer.MAX_VALUE);
    assertThat(job).hasSize(4);
    assertThat(cutter.shares(job)).containsOnly(Long.MAX_VALUE);
  }
}
