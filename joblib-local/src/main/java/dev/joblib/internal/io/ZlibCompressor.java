package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/** "zlib": the JDK's deflate in a zlib wrapper (Adler-32 checked), levels 1 to 9, default 3. */
public final class ZlibCompressor implements Compressor {
  private static final int BUFFER = 64 * 1024;

  /** Creates the compressor (ServiceLoader). */
  public ZlibCompressor() {}

  @Override
  public String name() {
    return "zlib";
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
  public OutputStream compress(OutputStream out, int level) {
    Deflater deflater = new Deflater(level);
    return new DeflaterOutputStream(out, deflater, BUFFER) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          deflater.end();
        }
      }
    };
  }

  @Override
  public InputStream decompress(InputStream in) {
    Inflater inflater = new Inflater();
    return new InflaterInputStream(in, inflater, BUFFER) {
      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          inflater.end();
        }
      }
    };
  }
}
