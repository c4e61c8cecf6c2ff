package dev.joblib.internal.io;

import dev.joblib.spi.Compressor;
import dev.joblib.spi.CompressorContract;

class XzCompressorTest extends CompressorContract {
  @Override
  protected Compressor compressor() {
    return CompressorRegistry.require(new XzCompressor().name());
  }

  @Override
  protected int largeLevel() {
    return 0;
  }

  @Override
  protected int largeMegabytes() {
    return 16; // xz runs at a few MB/s on this data: 100 MB would take most of a minute
  }
}
