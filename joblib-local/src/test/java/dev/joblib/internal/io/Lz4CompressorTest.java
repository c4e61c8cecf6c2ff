package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import dev.joblib.spi.CompressorContract;

class Lz4CompressorTest extends CompressorContract {
  @Override
  protected Compressor compressor() {
    return CompressorRegistry.require(new Lz4Compressor().name());
  }
}
