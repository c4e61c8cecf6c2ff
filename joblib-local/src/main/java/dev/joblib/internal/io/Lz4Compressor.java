package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;

/**
 * "lz4": the LZ4 frame format through lz4-java, with block and content checksums. Level 0 is the
 * fast compressor (the default); 1 to 17 select LZ4-HC at that level.
 */
public final class Lz4Compressor implements Compressor {
  /** Creates the compressor (ServiceLoader). */
  public Lz4Compressor() {}

  @Override
  public String name() {
    return "lz4";
  }

  @Override
  public int minLevel() {
    return 0;
  }

  @Override
  public int maxLevel() {
    return 17;
  }

  @Override
  public int defaultLevel() {
    return 0;
  }

  @Override
  public OutputStream compress(OutputStream out, int level) throws IOException {
    LZ4Factory factory = LZ4Factory.fastestInstance();
    LZ4Compressor compressor =
        level == 0 ? factory.fastCompressor() : factory.highCompressor(level);
    return new LZ4FrameOutputStream(
        out,
        LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB,
        -1L,
        compressor,
        XXHashFactory.fastestInstance().hash32(),
        LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
        LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
        LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
  }

  @Override
  public InputStream decompress(InputStream in) throws IOException {
    return new LZ4FrameInputStream(
        in,
        LZ4Factory.fastestInstance().safeDecompressor(),
        XXHashFactory.fastestInstance().hash32());
  }
}
