package dev.joblib.examples;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} arguments of the example jobs, with defaults and clear errors. */
final class JobArgs {
  private final Map<String, String> values = new HashMap<>();

  private JobArgs() {}

  /** Parses {@code args}; every name must be one of {@code allowed}. */
  static JobArgs parse(String[] args, String... allowed) {
    JobArgs parsed = new JobArgs();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (!name.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "arguments: expected '--name value' pairs with names "
                + String.join(", ", allowed)
                + "; got '"
                + String.join(" ", args)
                + "'");
      }
      String key = name.substring(2);
      if (!java.util.Arrays.asList(allowed).contains(key)) {
        throw new IllegalArgumentException(
            "arguments: unknown option '" + name + "'; allowed: --" + String.join(", --", allowed));
      }
      parsed.values.put(key, args[i + 1]);
    }
    return parsed;
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  long number(String name, long fallback, long min) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.replace("_", ""));
      if (value < min) {
        throw new IllegalArgumentException(
            "--" + name + " must be at least " + min + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + name + " must be a whole number, got '" + text + "'", e);
    }
  }
}
