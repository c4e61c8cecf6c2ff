package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * "zstd": Zstandard through zstd-jni (an optional dependency: this class only touches the library
 * through {@link ZstdCodec}, so it loads without it and says which artifact to add). Levels 1 to
 * 22, default 3; frames carry a content checksum.
 */
public final class ZstdCompressor implements Compressor {
  /** The artifact users add to enable this compressor. */
  static final String ARTIFACT = "com.github.luben:zstd-jni";

  /** Creates the compressor (ServiceLoader). */
  public ZstdCompressor() {}

  @Override
  public String name() {
    return "zstd";
  }

  @Override
  public int minLevel() {
    return 1;
  }

  @Override
  public int maxLevel() {
    return 22;
  }

  @Override
  public int defaultLevel() {
    return 3;
  }

  @Override
  public OutputStream compress(OutputStream out, int level) throws IOException {
    checkAvailable();
    return ZstdCodec.compress(out, level);
  }

  @Override
  public InputStream decompress(InputStream in) throws IOException {
    checkAvailable();
    return ZstdCodec.decompress(in);
  }

  private static void checkAvailable() {
    try {
      Class.forName(
          "com.github.luben.zstd.ZstdOutputStream", false, ZstdCompressor.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "compression 'zstd' needs the optional dependency "
              + ARTIFACT
              + " (for example version 1.5.7-28) on the classpath; add it, or use 'lz4', 'zlib',"
              + " 'gzip' or 'xz' which joblib-local brings",
          e);
    }
  }
}
