package dev.joblib;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Functions shared by the Memory tests and the child JVMs they start: defined here once so that
 * both sides get the same function identity. Each records its computations as lines in a log file
 * (appends are atomic for short lines), so a test can count them across JVMs.
 */
final class MemoFunctions {
  private MemoFunctions() {}

  static Fn1<Integer, Integer> square(String log) {
    return x -> {
      record(log, "square " + x);
      return x * x;
    };
  }

  static Fn1<Integer, String> slowLabel(String log) {
    return x -> {
      record(log, "slow " + x + " pid " + ProcessHandle.current().pid());
      Thread.sleep(300);
      return "label-" + x + "-" + "x".repeat(1000);
    };
  }

  static Fn2<Integer, Boolean, Integer> cube(String log) {
    return (x, noisy) -> {
      record(log, "cube " + x);
      return x * x * x;
    };
  }

  static void record(String log, String line) {
    try {
      Files.write(
          Path.of(log),
          (line + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> calls(String log) throws IOException {
    Path path = Path.of(log);
    return Files.exists(path) ? Files.readAllLines(path) : List.of();
  }
}
