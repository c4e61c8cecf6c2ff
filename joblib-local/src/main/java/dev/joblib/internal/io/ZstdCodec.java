package dev.joblib.internal.io;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The only class that references zstd-jni; loaded on first use of "zstd". */
final class ZstdCodec {
  private static final int BUFFER = 128 * 1024;

  private ZstdCodec() {}

  static OutputStream compress(OutputStream out, int level) throws IOException {
    ZstdOutputStream z = new ZstdOutputStream(out, level);
    z.setChecksum(true);
    return new BufferedOutputStream(z, BUFFER);
  }

  static InputStream decompress(InputStream in) throws IOException {
    return new BufferedInputStream(new ZstdInputStream(in), BUFFER);
  }
}
