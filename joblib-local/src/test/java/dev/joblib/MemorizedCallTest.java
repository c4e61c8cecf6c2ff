package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memoised function is called like the function (joblib's {@code MemorizedFunc.__call__}): its
 * {@code apply}/{@code call} and {@code callAndShelve} declare no checked exception, so the
 * README's {@code Model m = fit.apply(params);} compiles in a method without {@code throws}. The
 * test methods below deliberately declare no {@code throws} clause: before the change this class
 * did not compile ("unreported exception java.lang.Exception; must be caught or declared to be
 * thrown").
 */
class MemorizedCallTest {
  @TempDir Path dir;

  private List<Memory> memories() {
    return List.of(Memory.at(dir.resolve("cache")), Memory.at((Path) null));
  }

  @Test
  void everyArityIsCalledWithoutAThrowsClause() {
    for (Memory memory : memories()) {
      MemorizedFn0<Integer> zero = memory.cache(() -> 0);
      MemorizedFn1<Integer, Integer> one = memory.cache((Integer a) -> a);
      MemorizedFn2<Integer, Integer, Integer> two = memory.cache((Integer a, Integer b) -> a + b);
      MemorizedFn3<Integer, Integer, Integer, Integer> three =
          memory.cache((Integer a, Integer b, Integer c) -> a + b + c);
      MemorizedFn4<Integer, Integer, Integer, Integer, Integer> four =
          memory.cache((Integer a, Integer b, Integer c, Integer d) -> a + b + c + d);

      int sum = zero.call() + one.apply(1) + two.apply(1, 1) + three.apply(1, 1, 1);
      sum += four.apply(1, 1, 1, 1);

      assertThat(sum).isEqualTo(10);
      assertThat(one.callAndShelve(1).get()).isEqualTo(1);
      assertThat(four.callAndShelve(1, 2, 3, 4).get()).isEqualTo(10);
    }
  }

  @Test
  void aCheckedExceptionIsWrappedAndTheOriginalIsTheCause() {
    IOException original = new IOException("disk on fire");
    for (Memory memory : memories()) {
      MemorizedFn1<Integer, Integer> failing =
          memory.cache(
              (Integer a) -> {
                throw original;
              });

      assertThatThrownBy(() -> failing.apply(7))
          .isInstanceOf(MemorizedCallException.class)
          .isInstanceOf(JoblibException.class)
          .hasMessageContaining(failing.functionId())
          .hasMessageContaining("disk on fire")
          .cause()
          .isSameAs(original);
      assertThatThrownBy(() -> failing.callAndShelve(7))
          .isInstanceOf(MemorizedCallException.class)
          .cause()
          .isSameAs(original);
      assertThat(((MemorizedCallException) catchIt(() -> failing.apply(7))).functionId())
          .isEqualTo(failing.functionId());
    }
  }

  @Test
  void uncheckedExceptionsAndErrorsPassThroughUnchanged() {
    IllegalStateException unchecked = new IllegalStateException("bad state");
    AssertionError error = new AssertionError("bad error");
    for (Memory memory : memories()) {
      MemorizedFn1<Boolean, Integer> failing =
          memory.cache(
              (Boolean which) -> {
                if (which) {
                  throw unchecked;
                }
                throw error;
              });

      assertThatThrownBy(() -> failing.apply(true)).isSameAs(unchecked);
      assertThatThrownBy(() -> failing.apply(false)).isSameAs(error);
    }
  }

  /** The README's lines, in a method without {@code throws}. */
  @Test
  void theReadmeExampleCompilesAsWritten() {
    Memory memory = Memory.at(dir.resolve("cache"));
    MemorizedFn1<Integer, String> fit = memory.cache(MemorizedCallTest::train);
    Integer params = 3;
    String m = fit.apply(params); // computed once, then loaded
    List<String> all = Parallel.create().nJobs(2).map(List.of(1, 2), fit);

    assertThat(m).isEqualTo("model 3");
    assertThat(all).containsExactly("model 1", "model 2");
  }

  static String train(Integer params) throws IOException {
    return "model " + params;
  }

  private static Throwable catchIt(Runnable call) {
    try {
      call.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a throwable");
  }
}
