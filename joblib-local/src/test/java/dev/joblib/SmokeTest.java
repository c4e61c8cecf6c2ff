package dev.joblib;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void sqrtOnTwoThreads() {
    List<Double> r =
        Parallel.create()
            .nJobs(2)
            .run(IntStream.range(0, 10).mapToObj(i -> delayed(Math::sqrt, (double) i * i)));
    assertThat(r).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
    List<Integer> many =
        Parallel.create()
            .nJobs(2)
            .map(IntStream.range(0, 100_000).boxed().collect(Collectors.toList()), x -> x * 2);
    assertThat(many).hasSize(100_000);
    assertThat(many.get(99_999)).isEqualTo(199_998);
  }
}
