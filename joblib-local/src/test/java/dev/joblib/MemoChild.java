package dev.joblib;

import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The main class of the child JVMs the Memory tests start. */
public final class MemoChild {
  private MemoChild() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "square" -> {
        MemorizedFn1<Integer, Integer> f =
            memory(args[1], args[3]).cache(MemoFunctions.square(args[2]));
        for (int i = 4; i < args.length; i++) {
          System.out.println("result " + f.apply(Integer.parseInt(args[i])));
        }
      }
      case "race" -> {
        MemorizedFn1<Integer, String> f =
            memory(args[1], args[5]).cache(MemoFunctions.slowLabel(args[2]));
        Path go = Path.of(args[3]);
        System.out.println("ready");
        System.out.flush();
        while (!Files.exists(go)) {
          Thread.sleep(5);
        }
        String value = f.apply(Integer.parseInt(args[4]));
        System.out.println(
            "result " + value.substring(0, value.indexOf('-', 6)) + " " + value.length());
      }
      case "shelve" -> {
        MemorizedFn1<Integer, Integer> f;
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(Path.of(args[1])))) {
          @SuppressWarnings("unchecked")
          MemorizedFn1<Integer, Integer> read = (MemorizedFn1<Integer, Integer>) in.readObject();
          f = read;
        }
        MemorizedResult<Integer> result = f.callAndShelve(Integer.parseInt(args[3]));
        try (ObjectOutputStream out =
            new ObjectOutputStream(Files.newOutputStream(Path.of(args[2])))) {
          out.writeObject(result);
        }
        System.out.println("shelved " + result);
      }
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  /** A Memory on a location with store options given as {@code k=v,k=v} (or {@code -}). */
  static Memory memory(String location, String options) {
    Memory.Builder builder = Memory.builder().location(location);
    if (!options.equals("-")) {
      for (String option : options.split(",")) {
        int eq = option.indexOf('=');
        builder.storeOption(option.substring(0, eq), option.substring(eq + 1));
      }
    }
    return builder.build();
  }

  /** Formats store options for {@link #memory}. */
  static String options(java.util.Map<String, String> options) {
    if (options.isEmpty()) {
      return "-";
    }
    StringBuilder out = new StringBuilder();
    options.forEach(
        (k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return out.toString();
  }
}
