package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import dev.joblib.spi.CompressorContract;

class ZstdCompressorTest extends CompressorContract {
  @Override
  protected Compressor compressor() {
    return CompressorRegistry.require(new ZstdCompressor().name());
  }
}
