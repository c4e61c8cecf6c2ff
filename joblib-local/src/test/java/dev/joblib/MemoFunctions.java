package dev.joblib;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
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

  /** A named series whose values (a 32 KiB double[]) go out of band in a dump. */
  record Series(String name, double[] values) implements Serializable {
    static final int LENGTH = 4096;

    /** The series {@link #series} computes for {@code x}. */
    static Series of(int x) {
      double[] values = new double[LENGTH];
      for (int i = 0; i < LENGTH; i++) {
        values[i] = x * i + 0.5;
      }
      return new Series("series-" + x, values);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Series s && s.name.equals(name) && Arrays.equals(s.values, values);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return name + "[" + values.length + " values]";
    }
  }

  static Fn1<Integer, Series> series(String log) {
    return x -> {
      record(log, "series " + x);
      return Series.of(x);
    };
  }

  /** {@code n} doubles 0, 0.5, 1, ...: 8n bytes, as big as a test needs. */
  static Fn1<Integer, double[]> ramp(String log) {
    return n -> {
      record(log, "ramp " + n);
      return ramp(n);
    };
  }

  /** {@link #ramp(int)} in a heap buffer, which a mapping Memory hands back mapped. */
  static Fn1<Integer, DoubleBuffer> rampBuffer(String log) {
    return n -> {
      record(log, "rampBuffer " + n);
      return DoubleBuffer.wrap(ramp(n));
    };
  }

  static double[] ramp(int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = i * 0.5;
    }
    return values;
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
