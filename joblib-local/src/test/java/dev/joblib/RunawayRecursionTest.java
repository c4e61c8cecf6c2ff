package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A task that calls {@code Parallel} on itself without end (joblib's "thread bomb" test) ends
 * promptly with a nesting-depth error and bounded memory, on every local backend. Each case runs in
 * a child JVM with a small heap, so that a runaway cannot take the test JVM down with it.
 */
class RunawayRecursionTest {
  private static final Pattern SUMMARY =
      Pattern.compile("failed after (\\d+) ms; causes (\\d+); message chars (\\d+); frames (\\d+)");

  @ParameterizedTest
  @ValueSource(strings = {"sequential", "threads", "processes"})
  void aSelfRecursiveTaskEndsWithANestingDepthError(String backend) throws Exception {
    String out =
        Jvms.finish(Jvms.start(List.of("-Xmx256m", "-Xss1m"), RunawayChild.class, backend));

    assertThat(out).contains("Parallel calls nested").contains("deep inside tasks");
    Matcher summary = SUMMARY.matcher(out);
    assertThat(summary.find()).as("summary line in:\n%s", out).isTrue();
    assertThat(Long.parseLong(summary.group(1)))
        .as("milliseconds")
        .isLessThan(90_000); // unbounded before the fix
    assertThat(Integer.parseInt(summary.group(2))).as("causes").isLessThanOrEqualTo(3);
    assertThat(Long.parseLong(summary.group(3))).as("message chars").isLessThan(10_000);
  }
}
