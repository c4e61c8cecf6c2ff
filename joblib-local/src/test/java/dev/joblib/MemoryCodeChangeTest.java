package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Editing a cached function's body makes its calls miss: two versions of one class are compiled in
 * the test and loaded side by side, and both are called against one store.
 */
class MemoryCodeChangeTest {
  @TempDir Path dir;

  private static final String TEMPLATE =
      """
      package gen;

      import dev.joblib.Fn1;

      public class Work {
        public static int f(int x) {
          return BODY;
        }

        public static Fn1<Integer, Integer> ref() {
          return Work::f;
        }

        public static Fn1<Integer, Integer> lambda() {
          return x -> LAMBDA;
        }
        EXTRA
      }
      """;

  private Fn1<Integer, Integer> compile(
      String name, String body, String lambda, String extra, boolean ref) throws Exception {
    Path src = dir.resolve(name + "-src/gen/Work.java");
    Path out = dir.resolve(name + "-classes");
    Files.createDirectories(src.getParent());
    Files.createDirectories(out);
    Files.writeString(
        src, TEMPLATE.replace("BODY", body).replace("LAMBDA", lambda).replace("EXTRA", extra));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(
            null,
            null,
            null,
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            out.toString(),
            src.toString());
    assertThat(status).as("javac exit status").isZero();
    @SuppressWarnings("resource") // kept open: the loaded lambdas are used after this method
    URLClassLoader loader =
        new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
    Class<?> work = loader.loadClass("gen.Work");
    @SuppressWarnings("unchecked")
    Fn1<Integer, Integer> fn =
        (Fn1<Integer, Integer>) work.getMethod(ref ? "ref" : "lambda").invoke(null);
    return fn;
  }

  @Test
  void anEditedMethodMissesAndClearsTheOldResults() throws Exception {
    Memory memory = Memory.at(dir.resolve("cache"));
    MemorizedFn1<Integer, Integer> v1 = memory.cache(compile("v1", "x + 1", "x", "", true));
    MemorizedFn1<Integer, Integer> v2 = memory.cache(compile("v2", "x + 2", "x", "", true));
    MemorizedFn1<Integer, Integer> v1Moved =
        memory.cache(
            compile("v1b", "x + 1", "x", "public static int unrelated() { return 42; }", true));
    assertThat(v1.functionId()).isEqualTo("gen.Work/f").isEqualTo(v2.functionId());

    assertThat(v1.apply(1)).isEqualTo(2);
    assertThat(v1.isCached(1)).isTrue();
    assertThat(v1Moved.isCached(1)).isTrue(); // other members changed, not f: still a hit

    try (LogCapture logs = new LogCapture()) {
      assertThat(v2.isCached(1)).isFalse();
      assertThat(v2.apply(1)).isEqualTo(3);
      assertThat(v2.apply(1)).isEqualTo(3);
      assertThat(logs.messages(Level.INFO))
          .singleElement()
          .satisfies(m -> assertThat(m).contains("Work.f").contains("has changed"));
    }

    assertThat(v1.isCached(1)).isFalse(); // cleared when v2 found the code changed
    assertThat(v1.apply(1)).isEqualTo(2);
    assertThat(v2.isCached(1)).isFalse();
  }

  @Test
  void anEditedLambdaBodyMisses() throws Exception {
    Memory memory = Memory.at(dir.resolve("cache"));
    MemorizedFn1<Integer, Integer> times10 = memory.cache(compile("a", "x", "x * 10", "", false));
    MemorizedFn1<Integer, Integer> times20 = memory.cache(compile("b", "x", "x * 20", "", false));
    assertThat(times10.functionId()).isEqualTo(times20.functionId()).startsWith("gen.Work/lambda$");

    assertThat(times10.apply(3)).isEqualTo(30);
    assertThat(times20.apply(3)).isEqualTo(60);
    assertThat(times10.apply(3)).isEqualTo(30);
  }

  @Test
  void anExplicitVersionKeepsResultsAcrossEdits() throws Exception {
    Memory memory = Memory.at(dir.resolve("cache"));
    MemorizedFn1<Integer, Integer> v1 =
        memory.cache(compile("v1", "x + 1", "x", "", true)).version("stable");
    MemorizedFn1<Integer, Integer> v2 =
        memory.cache(compile("v2", "x + 2", "x", "", true)).version("stable");

    assertThat(v1.apply(5)).isEqualTo(6);
    assertThat(v2.isCached(5)).isTrue();
    assertThat(v2.apply(5)).isEqualTo(6); // the stale result, as asked for
  }
}
