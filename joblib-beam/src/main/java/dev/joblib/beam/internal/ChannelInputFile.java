package dev.joblib.beam.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet file read through Beam's {@link FileSystems}, so the driver reads the results from any
 * file system the runner wrote them to (local, hdfs, s3, gs) when its Beam module is present.
 */
final class ChannelInputFile implements InputFile {
  private final MatchResult.Metadata file;

  ChannelInputFile(MatchResult.Metadata file) {
    this.file = file;
  }

  @Override
  public long getLength() {
    return file.sizeBytes();
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    ReadableByteChannel channel = FileSystems.open(file.resourceId());
    if (!(channel instanceof SeekableByteChannel seekable)) {
      channel.close();
      throw new IOException(
          "the file system of " + file.resourceId() + " cannot seek; Parquet needs to");
    }
    return new DelegatingSeekableInputStream(Channels.newInputStream(seekable)) {
      @Override
      public long getPos() throws IOException {
        return seekable.position();
      }

      @Override
      public void seek(long newPos) throws IOException {
        seekable.position(newPos);
      }

      @Override
      public void readFully(byte[] bytes, int start, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, start, len);
        while (buffer.hasRemaining()) {
          if (seekable.read(buffer) < 0) {
            throw new java.io.EOFException("unexpected end of " + file.resourceId());
          }
        }
      }
    };
  }
}
