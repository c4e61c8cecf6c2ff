package dev.joblib.beam.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A batch outcome whose bytes declare a huge array is refused, not allocated. */
class JavaSerializationBoundsTest {
  @Test
  void anArrayLengthTheBytesCannotHoldIsRefused() throws Exception {
    byte[] data = JavaSerialization.toBytes(new double[77]);
    int at = indexOf(data, new byte[] {0x70, 0, 0, 0, 77});
    ByteBuffer.wrap(data).putInt(at + 1, 1 << 29); // 4 GiB of doubles declared in 700 bytes

    assertThatThrownBy(() -> JavaSerialization.fromBytes(data, "results"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("REJECTED");
    byte[] good = JavaSerialization.toBytes(new double[77]);
    assertThat((double[]) JavaSerialization.fromBytes(good, "results")).hasSize(77);
  }

  static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
