package dev.joblib.internal.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PreDispatchTest {
  @Test
  void evaluatesJoblibExpressions() {
    assertThat(PreDispatch.evaluate("2*n_jobs", 4)).isEqualTo(8);
    assertThat(PreDispatch.evaluate("n_jobs + 3", 2)).isEqualTo(5);
    assertThat(PreDispatch.evaluate("(n_jobs+1)//2", 5)).isEqualTo(3);
    assertThat(PreDispatch.evaluate("7", 2)).isEqualTo(7);
    assertThat(PreDispatch.evaluate("all", 2)).isEqualTo(PreDispatch.ALL);
  }

  @Test
  void rejectsWhatIsNotAnExpressionOrNotPositive() {
    for (String bad : new String[] {"", "n_jobs*", "2*x", "n_jobs-n_jobs", "1/0", "(1", "1e3"}) {
      assertThatThrownBy(() -> PreDispatch.evaluate(bad, 2))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("preDispatch");
    }
  }
}
