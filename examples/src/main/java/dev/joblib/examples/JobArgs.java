package dev.joblib.examples;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code --name value} arguments of the example jobs, with defaults and clear errors. Every job
 * also takes {@code --remote sc://host:port}: its "spark" backend then runs on that Spark Connect
 * server (it sets {@code spark.remote}, as {@code spark-submit --remote} does).
 */
final class JobArgs {
  private final Map<String, String> values = new HashMap<>();

  private JobArgs() {}

  /** The option every job takes: a Spark Connect server for the "spark" backend. */
  static final String REMOTE = "remote";

  /**
   * Parses {@code args}; every name must be one of {@code allowed} or {@code remote}, which sets
   * the system property {@code spark.remote}.
   */
  static JobArgs parse(String[] args, String... allowed) {
    JobArgs parsed = new JobArgs();
    String[] names = java.util.Arrays.copyOf(allowed, allowed.length + 1);
    names[allowed.length] = REMOTE;
    allowed = names;
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
    String remote = parsed.values.get(REMOTE);
    if (remote != null) {
      if (!remote.startsWith("sc://")) {
        throw new IllegalArgumentException(
            "--remote must be a Spark Connect address sc://host:port, got '" + remote + "'");
      }
      System.setProperty("spark.remote", remote);
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
