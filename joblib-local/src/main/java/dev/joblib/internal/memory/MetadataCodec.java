package dev.joblib.internal.memory;

import dev.joblib.CacheMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes and reads {@code metadata.json} (joblib's keys {@code time}, {@code duration} and {@code
 * input_args}, in seconds, plus ours) and {@code func_code.json}.
 */
final class MetadataCodec {
  private MetadataCodec() {}

  /** Encodes an entry's metadata. */
  static byte[] encode(CacheMetadata m) {
    StringBuilder out = new StringBuilder(256);
    out.append("{\"function\": ").append(Json.quote(m.function()));
    out.append(", \"args_id\": ").append(Json.quote(m.argsId()));
    out.append(", \"time\": ").append(seconds(m.time()));
    out.append(", \"duration\": ").append(m.duration().toNanos() / 1e9);
    out.append(", \"input_args\": {");
    boolean first = true;
    for (Map.Entry<String, String> e : m.inputArgs().entrySet()) {
      out.append(first ? "" : ", ").append(Json.quote(e.getKey())).append(": ");
      out.append(Json.quote(e.getValue()));
      first = false;
    }
    out.append("}, \"output_bytes\": ").append(m.outputBytes());
    out.append(", \"code_hash\": ").append(Json.quote(m.codeHash()));
    out.append("}\n");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String seconds(Instant t) {
    return t.getEpochSecond() + "." + String.format("%06d", t.getNano() / 1000);
  }

  /**
   * Decodes an entry's metadata.
   *
   * @throws IllegalArgumentException if it is malformed
   */
  static CacheMetadata decode(byte[] bytes) {
    Map<String, Object> map = Json.parseObject(new String(bytes, StandardCharsets.UTF_8));
    try {
      Map<String, String> args = new LinkedHashMap<>();
      Object rawArgs = map.get("input_args");
      if (rawArgs instanceof Map<?, ?> m) {
        m.forEach((k, v) -> args.put(String.valueOf(k), String.valueOf(v)));
      }
      return new CacheMetadata(
          (String) map.get("function"),
          (String) map.get("args_id"),
          instant(number(map, "time")),
          Duration.ofNanos((long) (number(map, "duration") * 1e9)),
          args,
          (long) number(map, "output_bytes"),
          (String) map.get("code_hash"));
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("metadata.json lacks a field or has a wrong type", e);
    }
  }

  private static double number(Map<String, Object> map, String key) {
    Object v = map.get(key);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("metadata.json: '" + key + "' is not a number: " + v);
    }
    return n.doubleValue();
  }

  private static Instant instant(double seconds) {
    long whole = (long) Math.floor(seconds);
    return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e6) * 1000);
  }

  /** Encodes a function's info: its id and code hash. */
  static byte[] encodeFunctionInfo(String functionId, String codeHash) {
    return ("{\"function\": "
            + Json.quote(functionId)
            + ", \"code_hash\": "
            + Json.quote(codeHash)
            + "}\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the code hash from a function's info.
   *
   * @throws IllegalArgumentException if it is malformed
   */
  static String codeHashOf(byte[] functionInfo) {
    Object hash =
        Json.parseObject(new String(functionInfo, StandardCharsets.UTF_8)).get("code_hash");
    if (!(hash instanceof String s)) {
      throw new IllegalArgumentException("func_code.json has no code_hash");
    }
    return s;
  }
}
