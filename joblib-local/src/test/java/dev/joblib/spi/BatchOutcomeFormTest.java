package dev.joblib.spi;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Fn1;
import dev.joblib.Task;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An outcome travels in a compact form, checked when it is read. */
class BatchOutcomeFormTest {
  private static final Fn1<Integer, Integer> SQUARE = x -> x * x;

  @Test
  void boxedNumberResultsTravelAsOnePrimitiveArray() throws Exception {
    BatchOutcome outcome = batchOf(10_000).run();

    byte[] bytes = write(outcome);
    BatchOutcome back = (BatchOutcome) read(bytes);

    // 4 bytes per int, where an Integer object costs about 10
    assertThat(bytes.length).isLessThan(4 * 10_000 + 1_000);
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("java.lang.Integer");
    assertThat(back.results()).isEqualTo(outcome.results());
    assertThat(back.sequence()).isEqualTo(2);
    assertThat(back.firstIndex()).isEqualTo(30);
    assertThat(back.size()).isEqualTo(10_000);
    assertThat(back.runNanos()).isEqualTo(outcome.runNanos());
  }

  @Test
  void resultsOfMixedTypesAndNullsComeBackAsTheyWere() throws Exception {
    Batch batch = batchOf(4);
    Object[] results = {1, null, "three", 4L};

    BatchOutcome back = (BatchOutcome) read(write(BatchOutcome.success(batch, results, 5)));

    assertThat(back.results()).containsExactly(1, null, "three", 4L);
  }

  @Test
  void aFailureComesBackWithItsIndexAndException() throws Exception {
    BatchOutcome failed =
        BatchOutcome.failure(batchOf(3), 31, new IllegalStateException("task 31 broke"));

    BatchOutcome back = (BatchOutcome) read(write(failed));

    assertThat(back.succeeded()).isFalse();
    assertThat(back.failedIndex()).isEqualTo(31);
    assertThat(back.failure())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("task 31 broke");
    assertThat(back.results()).isEmpty();
  }

  /** Forged forms (bytes from a hostile executor or worker) are refused, not obeyed. */
  @Test
  void aFormWhoseResultsOrFailureDisagreeWithItsSizeIsRefused() throws Exception {
    BatchOutcome success = batchOf(2).run();
    BatchOutcome failure = BatchOutcome.failure(batchOf(2), 30, new IllegalStateException("x"));

    for (Object[] forgery :
        new Object[][] {
          {success, "size", 3},
          {success, "size", 0},
          {success, "results", new int[] {1, 2, 3}},
          {success, "results", null},
          {success, "results", "not an array"},
          {success, "failedIndex", 30},
          {success, "firstIndex", -1},
          {failure, "failedIndex", 32},
          {failure, "failedIndex", 29},
          {failure, "results", new Object[] {1}},
        }) {
      Object form = formOf((BatchOutcome) forgery[0]);
      Field field = form.getClass().getDeclaredField((String) forgery[1]);
      field.setAccessible(true);
      field.set(form, forgery[2]);
      byte[] bytes = write(form);

      assertThatThrownBy(() -> read(bytes))
          .as("%s = %s", forgery[1], forgery[2])
          .isInstanceOf(InvalidObjectException.class);
    }
  }

  private static Batch batchOf(int size) {
    List<Task<?>> tasks = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      tasks.add(delayed(SQUARE, i));
    }
    return new Batch(2, 30, tasks, 1L, "spark", "threads", 1);
  }

  private static Object formOf(BatchOutcome outcome) throws Exception {
    Method writeReplace = BatchOutcome.class.getDeclaredMethod("writeReplace");
    writeReplace.setAccessible(true);
    return writeReplace.invoke(outcome);
  }

  private static byte[] write(Object value) throws IOException {
    return BatchFormTest.write(value);
  }

  private static Object read(byte[] bytes) throws IOException, ClassNotFoundException {
    return BatchFormTest.read(bytes);
  }
}
