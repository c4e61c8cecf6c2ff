package dev.joblib.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Fn1;
import dev.joblib.Fn2;
import org.junit.jupiter.api.Test;

class TasksTest {
  @Test
  void aRebuiltTaskCallsTheFunctionWithTheArguments() throws Exception {
    Fn2<Integer, Integer, Integer> add = Integer::sum;

    assertThat(Tasks.of(add, 2, 3).call()).isEqualTo(5);
    assertThat(Tasks.of(add, 2, 3).args()).containsExactly(2, 3);
  }

  @Test
  void aFunctionOfAnotherArityOrTooManyArgumentsAreRefusedNamingWhatWasGiven() {
    Fn1<Integer, Integer> square = x -> x * x;

    assertThatThrownBy(() -> Tasks.of(square, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not the Fn type of 2 arguments");
    assertThatThrownBy(() -> Tasks.of(square, 1, 2, 3, 4, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 to 4 arguments, not 5");
  }
}
