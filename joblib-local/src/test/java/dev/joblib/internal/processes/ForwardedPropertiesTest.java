package dev.joblib.internal.processes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import dev.joblib.spi.BackendSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Forwarded system properties reach the workers over their stdin pipe, not on their command line,
 * which every local user can read ({@code ps}, /proc/pid/cmdline); the settings print their names
 * only.
 */
@Tag("reliability")
class ForwardedPropertiesTest {
  private static final String NAME = "joblib.test.db.password";
  private static final String SECRET = "s3cr3t-" + System.nanoTime();

  @AfterEach
  void clear() {
    System.clearProperty(NAME);
  }

  private static String cmdline(long pid) throws Exception {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
    return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
  }

  @Test
  void aForwardedPropertyIsSetInTheWorkerButIsNotOnItsCommandLine() throws Exception {
    System.setProperty(NAME, SECRET);
    List<String> seen =
        Parallel.create()
            .nJobs(2)
            .backend("processes")
            .option("forwardProperties", NAME)
            .option("idleTimeout", "59s")
            .map(List.of(1), x -> ProcessHandle.current().pid() + " " + System.getProperty(NAME));
    String[] parts = seen.get(0).split(" ", 2);
    long worker = Long.parseLong(parts[0]);

    assertThat(parts[1]).isEqualTo(SECRET);
    assertThat(ProcessHandle.of(worker)).as("the worker stays alive while idle").isPresent();
    assertThat(cmdline(worker)).contains(WorkerMain.class.getName()).doesNotContain(SECRET);
    assertThat(
            String.join(
                " ",
                ProcessHandle.of(worker).orElseThrow().info().arguments().orElse(new String[0])))
        .doesNotContain(SECRET);
  }

  @Test
  void optionsPoolKeyAndPoolPrintNoForwardedValue() {
    System.setProperty(NAME, SECRET);
    ProcessesOptions options =
        ProcessesOptions.from(
            new BackendSpec(1, Map.of("forwardProperties", NAME, "idleTimeout", "58s"), 0));

    assertThat(options.toString()).doesNotContain(SECRET).contains(NAME);
    assertThat(options.poolKey().toString()).doesNotContain(SECRET);
    assertThat(WorkerPool.of(options).toString()).doesNotContain(SECRET);
    assertThat(String.join(" ", WorkerPool.command(options.poolKey()))).doesNotContain(SECRET);
  }
}
