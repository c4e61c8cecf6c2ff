package dev.joblib.beam.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Staged bytes are read under bounds and the load filter: hostile streams are refused. */
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

  @Test
  void aProxyIsRefusedAsJoblibLoadRefusesIt() throws Exception {
    Runnable proxy =
        (Runnable)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Runnable.class},
                (InvocationHandler & Serializable) (p, method, args) -> null);
    byte[] data = JavaSerialization.toBytes(proxy);

    assertThatThrownBy(() -> JavaSerialization.fromBytes(data, "results"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("REJECTED");
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
