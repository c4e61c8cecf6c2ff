package dev.joblib.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A task result whose bytes declare a huge array is refused, not allocated. */
class WireBoundsTest {
  @Test
  void anArrayLengthTheBytesCannotHoldIsRefused() throws Exception {
    byte[] data = Wire.write(new double[77]);
    int at = indexOf(data, new byte[] {0x70, 0, 0, 0, 77});
    ByteBuffer.wrap(data).putInt(at + 1, 1 << 29); // 4 GiB of doubles declared in 700 bytes

    assertThatThrownBy(() -> Wire.read(data, Wire.contextLoader()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("REJECTED");
    assertThat((double[]) Wire.read(Wire.write(new double[77]), Wire.contextLoader())).hasSize(77);
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
