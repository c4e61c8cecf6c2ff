package dev.joblib.spi;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Fn0;
import dev.joblib.Fn1;
import dev.joblib.Fn2;
import dev.joblib.Fn4;
import dev.joblib.Task;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A batch travels in its compact form and comes back with the same tasks, seed and nesting. */
class BatchFormTest {
  @Test
  void aMapBatchCostsItsArgumentsOnTheWireNotATaskObjectPerTask() throws Exception {
    Fn1<Integer, Integer> square = x -> x * x;
    List<Task<?>> tasks = new ArrayList<>();
    Integer[] args = new Integer[10_000];
    for (int i = 0; i < args.length; i++) {
      tasks.add(delayed(square, i));
      args[i] = i;
    }
    byte[] batch = write(new Batch(3, 100, tasks, 42L, "spark", "threads", 1));
    byte[] alone = write(args);

    assertThat(batch.length).isLessThan(alone.length + 2_000);
    assertThat(new String(batch, StandardCharsets.ISO_8859_1)).doesNotContain("dev.joblib.Task");
    BatchOutcome outcome = ((Batch) read(batch)).run();
    assertThat(outcome.results()).hasSize(10_000).element(9_999).isEqualTo(9_999 * 9_999);
  }

  @Test
  void boxedNumberArgumentsTravelAsOnePrimitiveArrayAndComeBackWithTheirTypes() throws Exception {
    Fn1<Object, Object> same = x -> x;
    List<Task<?>> ints = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ints.add(delayed(same, i));
    }
    byte[] packed = write(new Batch(0, 0, ints, 1L, "spark", "threads", 1));

    // 4 bytes per int, where an Integer object costs about 10
    assertThat(packed.length).isLessThan(4 * 10_000 + 2_000);
    assertThat(new String(packed, StandardCharsets.ISO_8859_1)).doesNotContain("java.lang.Integer");
    assertThat(((Batch) read(packed)).run().results())
        .hasSize(10_000)
        .element(9_999)
        .isEqualTo(9_999);
    for (List<Object> args :
        List.<List<Object>>of(
            List.of(1L, Long.MIN_VALUE),
            List.of(0.5, Double.NaN),
            List.of(true, false),
            List.of(1, 2L, 3.0, "4"))) {
      List<Task<?>> tasks = new ArrayList<>();
      args.forEach(arg -> tasks.add(delayed(same, arg)));

      assertThat(((Batch) read(write(new Batch(0, 0, tasks, 1L, "x", "y", 1)))).run().results())
          .containsExactlyElementsOf(args)
          .extracting(Object::getClass)
          .containsExactlyElementsOf(args.stream().map(Object::getClass).toList());
    }
  }

  @Test
  void aBatchOfCallsRunsAndTravelsLikeTheSameDelayedTasks() throws Exception {
    Fn1<Integer, Integer> inverse = x -> 100 / x;
    Object[] args = {1, 2, null, 4};
    Batch calls =
        Batch.ofCalls(1, 10, inverse, args, 3L, "threads", new Nesting("threads", 1, 1, 0));

    assertThat(calls.size()).isEqualTo(4);
    assertThat(calls.tasks()).hasSize(4);
    assertThat(calls.tasks().get(1).args()).containsExactly(2);
    BatchOutcome failed = calls.run(); // the third task divides by null
    assertThat(failed.failedIndex()).isEqualTo(12);
    assertThat(failed.failure()).isInstanceOf(NullPointerException.class);

    Object[] fine = {1, 2, 4};
    Batch back =
        (Batch) read(write(Batch.ofCalls(0, 5, inverse, fine, 3L, "x", new Nesting("y", 1, 1, 0))));
    assertThat(back.callsFunction()).isNotNull();
    assertThat(back.run().results()).containsExactly(100, 50, 25);
    assertThat(back.firstIndex()).isEqualTo(5);
  }

  @Test
  void mixedFunctionsAndAritiesComeBackInOrderWithTheirNullArguments() throws Exception {
    Fn0<String> constant = () -> "c";
    Fn1<Object, String> show = String::valueOf;
    Fn2<Integer, Integer, Integer> add = Integer::sum;
    Fn4<Object, Object, Object, Object, String> four = (a, b, c, d) -> "" + a + b + c + d;
    List<Task<?>> tasks =
        List.of(
            delayed(show, null),
            delayed(constant),
            delayed(add, 2, 3),
            delayed(show, 7),
            delayed(four, 1, null, 3, 4),
            delayed(constant));
    Batch original = new Batch(5, 20, tasks, 7L, "processes", new Nesting("threads", 2, 3, 4));

    Batch back = (Batch) read(write(original));

    assertThat(back.run().results()).containsExactly("null", "c", 5, "7", "1null34", "c");
    assertThat(back.sequence()).isEqualTo(5);
    assertThat(back.firstIndex()).isEqualTo(20);
    assertThat(back.seed()).isEqualTo(7L);
    assertThat(back.backendId()).isEqualTo("processes");
    assertThat(back.nesting()).isEqualTo(new Nesting("threads", 2, 3, 4));
  }

  @Test
  void aBatchOfFunctionsWithoutArgumentsKeepsItsSize() throws Exception {
    Fn0<Integer> one = () -> 1;
    Batch back =
        (Batch) read(write(new Batch(0, 0, List.of(delayed(one), delayed(one)), 0L, "x", "y", 1)));

    assertThat(back.size()).isEqualTo(2);
    assertThat(back.run().results()).containsExactly(1, 1);
  }

  @Test
  void eachTaskSeesTheSameSeededRandomNumbersAfterTheTrip() throws Exception {
    Fn1<Integer, Double> draw = i -> dev.joblib.TaskContext.current().random().nextDouble();
    List<Task<?>> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tasks.add(delayed(draw, i));
    }
    Batch original = new Batch(0, 10, tasks, 99L, "spark", "threads", 1);

    assertThat(((Batch) read(write(original))).run().results()).isEqualTo(original.run().results());
  }

  /** Forged forms (bytes from a shared location or a hostile peer) are refused, not obeyed. */
  @Test
  void aFormThatClaimsMoreTasksThanItHoldsIsRefusedBeforeAllocatingThem() throws Exception {
    Fn0<Integer> one = () -> 1;
    Fn1<Integer, Integer> same = x -> x;
    Batch noArgs = new Batch(0, 0, List.of(delayed(one), delayed(one)), 0L, "x", "y", 1);
    Batch oneArg = new Batch(0, 0, List.of(delayed(same, 1), delayed(same, 2)), 0L, "x", "y", 1);

    for (Object[] forgery :
        new Object[][] {
          {noArgs, "size", Integer.MAX_VALUE},
          {noArgs, "kindOf", null},
          {oneArg, "size", 3},
          {oneArg, "arities", new int[] {1, 1}},
          {oneArg, "args", null},
          {oneArg, "functions", new Serializable[0]},
        }) {
      Object form = formOf((Batch) forgery[0]);
      Field field = form.getClass().getDeclaredField((String) forgery[1]);
      field.setAccessible(true);
      field.set(form, forgery[2]);
      byte[] bytes = write(form);

      assertThatThrownBy(() -> read(bytes))
          .as("%s = %s", forgery[1], forgery[2])
          .isInstanceOf(InvalidObjectException.class);
    }
  }

  private static Object formOf(Batch batch) throws Exception {
    Method writeReplace = Batch.class.getDeclaredMethod("writeReplace");
    writeReplace.setAccessible(true);
    return writeReplace.invoke(batch);
  }

  static byte[] write(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  static Object read(byte[] bytes) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    }
  }
}
