package dev.joblib;

import java.io.ObjectInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of child JVMs that call a memoised function received in serialized form (so the
 * store options travel with it, as they do to a worker): {@code <goFile or -> <fnFile@arg>...}.
 * Waits for {@code goFile} to exist, then makes each call in turn and prints {@code result <value>}
 * for each.
 */
public final class StoreChild {
  private StoreChild() {}

  public static void main(String[] args) throws Exception {
    List<MemorizedFn1<Integer, Object>> fns = new ArrayList<>();
    List<Integer> calls = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      int at = args[i].lastIndexOf('@');
      Path file = Path.of(args[i].substring(0, at));
      try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
        @SuppressWarnings("unchecked")
        MemorizedFn1<Integer, Object> read = (MemorizedFn1<Integer, Object>) in.readObject();
        fns.add(read);
      }
      calls.add(Integer.parseInt(args[i].substring(at + 1)));
    }
    if (!args[0].equals("-")) {
      Path go = Path.of(args[0]);
      while (!Files.exists(go)) {
        Thread.sleep(5);
      }
    }
    for (int i = 0; i < fns.size(); i++) {
      String text = String.valueOf(fns.get(i).apply(calls.get(i)));
      System.out.println("result " + (text.length() > 40 ? text.substring(0, 40) : text));
    }
    System.exit(0);
  }
}
