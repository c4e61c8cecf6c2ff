package dev.joblib.internal.processes;

import dev.joblib.internal.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One call's memmapping (joblib's {@code max_nbytes}): replaces every primitive array of more than
 * {@code threshold} bytes in a batch by a {@link MappedArray}, writing each array once per call
 * however many tasks receive it. The folder is chosen and created only when a first array is
 * written (most calls have none), and removed when the call ends.
 */
final class MemmapWriter implements UnaryOperator<Object> {
  private final long threshold;
  private final Supplier<Path> base;
  private final String callId;
  private final Map<Object, MappedArray> written = new IdentityHashMap<>();
  private Path folder;
  private boolean closed;

  MemmapWriter(long threshold, Path base, String callId) {
    this(threshold, () -> base, callId);
  }

  /**
   * A writer whose base folder is asked for only when the first array is written: choosing it (the
   * free space of /dev/shm) costs more than a whole small call.
   */
  MemmapWriter(long threshold, Supplier<Path> base, String callId) {
    this.threshold = threshold;
    this.base = base;
    this.callId = callId;
  }

  @Override
  public Object apply(Object value) {
    char type = MappedArray.typeOf(value);
    if (type == 0) {
      return value;
    }
    int length = MappedArray.length(value, type);
    if ((long) length * MappedArray.elementSize(type) <= threshold) {
      return value;
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the call has ended; its memmapping folder is gone");
      }
      MappedArray mapped = written.get(value);
      if (mapped == null) {
        mapped = write(value, type, length);
        written.put(value, mapped);
      }
      return mapped;
    }
  }

  /** How many arrays this call has written. */
  synchronized int writtenCount() {
    return written.size();
  }

  synchronized Path folder() {
    return folder;
  }

  private MappedArray write(Object array, char type, int length) {
    if (folder == null) {
      folder = TempFolders.createCallFolder(base.get(), callId);
    }
    Path file = folder.resolve("array" + written.size() + "." + type);
    int size = MappedArray.elementSize(type);
    long total = (long) length * size;
    try (FileChannel channel =
        OwnerOnly.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      int perChunk = (int) (MappedArray.CHUNK / size);
      for (long offset = 0; offset < total; offset += MappedArray.CHUNK) {
        long bytes = Math.min(MappedArray.CHUNK, total - offset);
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, offset, bytes);
        map.order(ByteOrder.nativeOrder());
        int first = (int) (offset / size);
        MappedArray.put(map, array, type, first, (int) Math.min(perChunk, length - (long) first));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write a " + total + "-byte array argument to " + file, e);
    }
    return new MappedArray(file.toString(), type, length);
  }

  /** Removes the files; later batches of this call can no longer be encoded. */
  synchronized void close() {
    closed = true;
    written.clear();
    if (folder != null) {
      try {
        TempFolders.deleteTree(folder);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove the memmapping folder " + folder, e);
      }
    }
  }
}
