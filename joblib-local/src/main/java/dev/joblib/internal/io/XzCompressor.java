package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * "xz": the XZ format (LZMA2, CRC-64 checked) through org.tukaani:xz, presets 0 to 9, default 6.
 */
public final class XzCompressor implements Compressor {
  private static final int BUFFER = 64 * 1024;

  /**
   * The decoder memory (KiB) of the biggest preset, 9: a stream asking for more (its header
   * declares the dictionary size, up to 4 GiB) was not written by {@link #compress} and is refused
   * before the dictionary is allocated.
   */
  private static final int MEMORY_LIMIT_KIB = decoderMemoryKib(9);

  /** Creates the compressor (ServiceLoader). */
  public XzCompressor() {}

  @Override
  public String name() {
    return "xz";
  }

  @Override
  public int minLevel() {
    return 0;
  }

  @Override
  public int maxLevel() {
    return 9;
  }

  @Override
  public int defaultLevel() {
    return 6;
  }

  @Override
  public OutputStream compress(OutputStream out, int level) throws IOException {
    LZMA2Options options;
    try {
      options = new LZMA2Options(level);
    } catch (UnsupportedOptionsException e) {
      throw new IOException("xz preset " + level + " is not supported", e);
    }
    return new BufferedOutputStream(new XZOutputStream(out, options), BUFFER);
  }

  @Override
  public InputStream decompress(InputStream in) throws IOException {
    return new BufferedInputStream(new XZInputStream(in, MEMORY_LIMIT_KIB), BUFFER);
  }

  private static int decoderMemoryKib(int preset) {
    try {
      return new LZMA2Options(preset).getDecoderMemoryUsage();
    } catch (UnsupportedOptionsException e) {
      throw new IllegalStateException("xz preset " + preset + " is not supported", e);
    }
  }
}
