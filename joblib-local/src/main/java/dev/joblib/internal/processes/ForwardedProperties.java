package dev.joblib.internal.processes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The system properties a pool forwards to its workers (option {@code forwardProperties}), as the
 * payload of a {@link Frames#PROPERTIES} frame: they travel over the worker's stdin pipe, which
 * only the parent holds, and not on the command line, which every local user can read ({@code ps},
 * /proc/pid/cmdline). The payload is a count, then each name and value as a length and UTF-8 bytes.
 */
final class ForwardedProperties {
  private ForwardedProperties() {}

  static byte[] encode(Map<String, String> properties) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(properties.size());
      for (Map.Entry<String, String> p : properties.entrySet()) {
        writeString(out, p.getKey());
        writeString(out, p.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing to memory", e);
    }
    return bytes.toByteArray();
  }

  static Map<String, String> decode(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    int count = in.readInt();
    if (count < 0 || count > payload.length) {
      throw new IOException("corrupt properties frame: " + count + " properties");
    }
    Map<String, String> properties = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      properties.put(readString(in, payload.length), readString(in, payload.length));
    }
    return properties;
  }

  /** Sets the properties in this JVM: a worker does so before it runs any task. */
  static void apply(Map<String, String> properties) {
    properties.forEach(System::setProperty);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in, int max) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > max) {
      throw new IOException("corrupt properties frame: a string of " + length + " bytes");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
