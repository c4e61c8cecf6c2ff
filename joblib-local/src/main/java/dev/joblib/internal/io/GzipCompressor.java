package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** "gzip": the JDK's gzip format (CRC-32 checked), levels 1 to 9, default 3. */
public final class GzipCompressor implements Compressor {
  private static final int BUFFER = 64 * 1024;

  /** Creates the compressor (ServiceLoader). */
  public GzipCompressor() {}

  @Override
  public String name() {
    return "gzip";
  }

  @Override
  public int minLevel() {
    return 1;
  }

  @Override
  public int maxLevel() {
    return 9;
  }

  @Override
  public int defaultLevel() {
    return 3;
  }

  @Override
  public OutputStream compress(OutputStream out, int level) throws IOException {
    return new GZIPOutputStream(out, BUFFER) {
      {
        def.setLevel(level);
      }
    };
  }

  @Override
  public InputStream decompress(InputStream in) throws IOException {
    return new GZIPInputStream(in, BUFFER);
  }
}
