package dev.joblib.beam.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How pieces of batches are sized under a timeout, wave after wave. */
class BatchPiecesTest {
  @Test
  void piecesGrowAtMostFourfoldPerWaveTowardATenthOfTheTimeout() {
    BatchPieces pieces = new BatchPieces(Duration.ofSeconds(1));
    assertThat(pieces.size()).isEqualTo(1);

    pieces.measured(1_000_000); // 1 ms tasks: 100 would fill a tenth of the timeout
    assertThat(pieces.size()).isEqualTo(4);
    pieces.measured(1_000_000);
    assertThat(pieces.size()).isEqualTo(16);
    pieces.measured(1_000_000);
    pieces.measured(1_000_000);
    assertThat(pieces.size()).isEqualTo(100);

    pieces.measured(50_000_000); // slower tasks: shrink at once
    assertThat(pieces.size()).isEqualTo(2);
    pieces.measured(2_000_000_000L); // a task longer than the timeout: one per piece
    assertThat(pieces.size()).isEqualTo(1);
  }
}
