package dev.joblib;

import java.io.ObjectInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The main class of child JVMs that call a memoised function received in serialized form (so the
 * store options travel with it, as they do to a worker): {@code <fnFile> <goFile or -> <args...>}.
 * Waits for {@code goFile} to exist, then prints {@code result <value>} per argument.
 */
public final class StoreChild {
  private StoreChild() {}

  public static void main(String[] args) throws Exception {
    MemorizedFn1<Integer, Object> fn;
    try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(Path.of(args[0])))) {
      @SuppressWarnings("unchecked")
      MemorizedFn1<Integer, Object> read = (MemorizedFn1<Integer, Object>) in.readObject();
      fn = read;
    }
    if (!args[1].equals("-")) {
      Path go = Path.of(args[1]);
      while (!Files.exists(go)) {
        Thread.sleep(5);
      }
    }
    for (int i = 2; i < args.length; i++) {
      Object value = fn.apply(Integer.parseInt(args[i]));
      String text = String.valueOf(value);
      System.out.println("result " + (text.length() > 40 ? text.substring(0, 40) : text));
    }
    System.exit(0);
  }
}
