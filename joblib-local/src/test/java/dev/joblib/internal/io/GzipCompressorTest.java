package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import dev.joblib.spi.CompressorContract;

class GzipCompressorTest extends CompressorContract {
  @Override
  protected Compressor compressor() {
    return CompressorRegistry.require(new GzipCompressor().name());
  }
}
