package dev.joblib.internal.processes;

import dev.joblib.JoblibException;
import dev.joblib.RemoteTaskException;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of an {@link Frames#OUTCOME} frame. Success: kind 0, the run time and the serialized
 * results. Failure: kind 1, the failed index (-1: the batch could not even be read), the exception
 * described in plain data (class, message, frames, for each cause), then the serialized exception
 * (empty if it did not serialize). The plain description lets the parent build a {@link
 * RemoteTaskException} when the exception itself cannot be read back.
 */
final class Outcomes {
  private static final byte SUCCESS = 0;
  private static final byte FAILURE = 1;
  private static final int MAX_CAUSES = 16;

  private Outcomes() {}

  // ---- worker side

  static byte[] success(Serializer serializer, Object[] results, long runNanos) throws IOException {
    Bytes.Out bytes = new Bytes.Out(64 + 8 * results.length);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(SUCCESS);
    out.writeLong(runNanos);
    out.flush();
    serializer.write(results, bytes, null);
    return bytes.toByteArray();
  }

  static byte[] failure(Serializer serializer, int failedIndex, Throwable failure) {
    try {
      Bytes.Out bytes = new Bytes.Out(1024);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FAILURE);
      out.writeInt(failedIndex);
      describe(out, failure);
      byte[] serialized;
      try {
        Bytes.Out exception = new Bytes.Out(1024);
        serializer.write(failure, exception, null);
        serialized = exception.toByteArray();
      } catch (IOException | RuntimeException e) {
        serialized = new byte[0]; // the plain description stands in for it
      }
      out.writeInt(serialized.length);
      out.write(serialized);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a failure in memory", e);
    }
  }

  private static void describe(DataOutputStream out, Throwable failure) throws IOException {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = failure; t != null && chain.size() < MAX_CAUSES; t = t.getCause()) {
      if (chain.contains(t)) {
        break;
      }
      chain.add(t);
    }
    out.writeInt(chain.size());
    for (Throwable t : chain) {
      writeString(out, t.getClass().getName());
      writeString(out, t.getMessage());
      StackTraceElement[] frames = t.getStackTrace();
      out.writeInt(frames.length);
      for (StackTraceElement frame : frames) {
        writeString(out, frame.getClassName());
        writeString(out, frame.getMethodName());
        writeString(out, frame.getFileName());
        out.writeInt(frame.getLineNumber());
      }
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  // ---- parent side

  /** Turns a worker's payload into the outcome of {@code batch}; never throws. */
  static BatchOutcome decode(
      byte[] payload, Batch batch, Serializer serializer, ClassLoader loader) {
    try {
      DataInputStream in = new DataInputStream(new Bytes.In(payload));
      byte kind = in.readByte();
      if (kind == SUCCESS) {
        long runNanos = in.readLong();
        Object[] results;
        try {
          results = (Object[]) serializer.read(in, loader);
        } catch (ClassNotFoundException | IOException | RuntimeException e) {
          return BatchOutcome.failure(
              batch,
              batch.firstIndex(),
              new JoblibException(
                  "the results of tasks "
                      + batch.firstIndex()
                      + ".."
                      + (batch.firstIndex() + batch.size() - 1)
                      + " came back from the worker but cannot be read in the caller: "
                      + e,
                  e));
        }
        return BatchOutcome.success(batch, results, runNanos);
      }
      int failedIndex = in.readInt();
      if (failedIndex < 0) {
        failedIndex = batch.firstIndex();
      }
      Throwable described = readDescription(in);
      int length = in.readInt();
      byte[] serialized = in.readNBytes(length);
      Throwable failure = described;
      if (length > 0) {
        try {
          failure = (Throwable) serializer.read(new Bytes.In(serialized), loader);
        } catch (ClassNotFoundException | IOException | RuntimeException e) {
          failure = described; // e.g. a class the caller does not have
        }
      }
      return BatchOutcome.failure(batch, failedIndex, failure);
    } catch (IOException e) {
      return BatchOutcome.failure(
          batch,
          batch.firstIndex(),
          new JoblibException("corrupt outcome from a worker for " + batch + ": " + e, e));
    }
  }

  private static Throwable readDescription(DataInputStream in) throws IOException {
    int count = in.readInt();
    String[] classes = new String[count];
    String[] messages = new String[count];
    StackTraceElement[][] traces = new StackTraceElement[count][];
    for (int i = 0; i < count; i++) {
      classes[i] = readString(in);
      messages[i] = readString(in);
      StackTraceElement[] frames = new StackTraceElement[in.readInt()];
      for (int f = 0; f < frames.length; f++) {
        String declaring = readString(in);
        String method = readString(in);
        String file = readString(in);
        frames[f] = new StackTraceElement(declaring, method, file, in.readInt());
      }
      traces[i] = frames;
    }
    Throwable cause = null;
    for (int i = count - 1; i >= 0; i--) {
      cause = new RemoteTaskException(classes[i], messages[i], traces[i], cause);
    }
    return cause;
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
