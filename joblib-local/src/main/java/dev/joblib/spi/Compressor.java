package dev.joblib.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A stream compressor that {@code Joblib.dump} can apply to a dump's body (joblib's {@code
 * CompressorWrapper}).
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (list the class in {@code
 * META-INF/services/dev.joblib.spi.Compressor}) or registered at run time with {@code
 * Joblib.registerCompressor}. The {@link #name()} is written into every dump's header, so {@code
 * Joblib.load} finds the compressor again by name: keep it stable. Implementations must be
 * thread-safe (one instance serves every dump and load) and are checked by the {@code
 * CompressorContract} test suite.
 *
 * @since 0.1
 */
public interface Compressor {
  /**
   * The name users select this compressor by and that is stored in dump headers, such as {@code
   * "zstd"}: 1 to 32 characters of {@code [a-z0-9_-]}.
   *
   * @return the name, never null
   */
  String name();

  /**
   * The smallest level {@link #compress} accepts.
   *
   * @return the smallest level
   */
  int minLevel();

  /**
   * The largest level {@link #compress} accepts.
   *
   * @return the largest level, at least {@link #minLevel()}
   */
  int maxLevel();

  /**
   * The level used when the user names this compressor without a level.
   *
   * @return a level between {@link #minLevel()} and {@link #maxLevel()}
   */
  int defaultLevel();

  /**
   * Wraps a stream so that what is written to the result reaches {@code out} compressed. Closing
   * the result finishes the compressed data and closes {@code out}.
   *
   * @param out the destination, never null
   * @param level a level between {@link #minLevel()} and {@link #maxLevel()} (already checked)
   * @return the compressing stream, never null
   * @throws IOException if the compressor cannot start (for example a missing native library)
   */
  OutputStream compress(OutputStream out, int level) throws IOException;

  /**
   * Wraps a stream of data written by {@link #compress} so that reading the result yields the
   * original bytes. Corrupt input must surface as an {@link IOException} (never as silently wrong
   * bytes where the format has a checksum). Closing the result closes {@code in}.
   *
   * @param in the compressed source, never null
   * @return the decompressing stream, never null
   * @throws IOException if the data cannot be decoded
   */
  InputStream decompress(InputStream in) throws IOException;
}
