package dev.joblib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory shared between JVMs on one location: the tests start child JVMs on the test class path.
 */
@Timeout(120)
class MemoryJvmTest {
  @TempDir Path dir;

  private List<Path> entries(Path location) throws Exception {
    try (Stream<Path> files = Files.walk(location.resolve("joblib"))) {
      return files.filter(p -> p.getFileName().toString().equals("output.joblib")).toList();
    }
  }

  @Test
  void resultsComputedInOneJvmAreHitsInAnother() throws Exception {
    Path location = dir.resolve("cache");
    String log = dir.resolve("calls.log").toString();

    String first = Jvms.run(MemoChild.class, "square", location.toString(), log, "3", "4");
    MemorizedFn1<Integer, Integer> square = Memory.at(location).cache(MemoFunctions.square(log));
    assertThat(square.isCached(3)).isTrue();
    assertThat(square.apply(3)).isEqualTo(9);
    String second = Jvms.run(MemoChild.class, "square", location.toString(), log, "3", "4", "5");

    assertThat(first).contains("result 9", "result 16");
    assertThat(second).contains("result 9", "result 16", "result 25");
    assertThat(MemoFunctions.calls(log)).containsExactly("square 3", "square 4", "square 5");
  }

  @Test
  void callAndShelveInAWorkerJvmHandsBackAReference() throws Exception {
    Path location = dir.resolve("cache");
    String log = dir.resolve("calls.log").toString();
    MemorizedFn1<Integer, Integer> square = Memory.at(location).cache(MemoFunctions.square(log));
    Path fnFile = dir.resolve("fn.ser");
    Path resultFile = dir.resolve("result.ser");
    try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(fnFile))) {
      out.writeObject(square);
    }

    String output =
        Jvms.run(MemoChild.class, "shelve", fnFile.toString(), resultFile.toString(), "6");

    MemorizedResult<Integer> result;
    try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(resultFile))) {
      @SuppressWarnings("unchecked")
      MemorizedResult<Integer> read = (MemorizedResult<Integer>) in.readObject();
      result = read;
    }
    assertThat(Files.size(resultFile)).isLessThan(2000);
    assertThat(output).contains("shelved MemorizedResult(");
    assertThat(result.get()).isEqualTo(36);
    assertThat(square.isCached(6)).isTrue();
    assertThat(square.apply(6)).isEqualTo(36);
    assertThat(MemoFunctions.calls(log)).containsExactly("square 6");
  }

  @Test
  void eightJvmsComputingOneKeyAllGetTheValueAndLeaveOneEntry() throws Exception {
    Path location = dir.resolve("cache");
    String log = dir.resolve("calls.log").toString();
    Path go = dir.resolve("go");
    List<Process> children = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        children.add(
            Jvms.start(MemoChild.class, "race", location.toString(), log, go.toString(), "7"));
      }
      List<BufferedReader> outputs = new ArrayList<>();
      for (Process child : children) {
        BufferedReader reader =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(reader.readLine()).isEqualTo("ready");
        outputs.add(reader);
      }
      Files.createFile(go);
      for (int i = 0; i < children.size(); i++) {
        StringBuilder text = new StringBuilder();
        for (String line; (line = outputs.get(i).readLine()) != null; ) {
          text.append(line).append('\n');
        }
        assertThat(children.get(i).waitFor()).as("exit code, output: %s", text).isZero();
        assertThat(text.toString()).contains("result label-7 1008");
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }

    assertThat(MemoFunctions.calls(log)).hasSizeBetween(1, 8);
    List<Path> entries = entries(location);
    assertThat(entries).hasSize(1);
    try (Stream<Path> all = Files.walk(location.resolve("joblib"))) {
      assertThat(all.filter(p -> p.getFileName().toString().startsWith("."))).isEmpty();
    }
    String value = Joblib.load(entries.get(0));
    assertThat(value).startsWith("label-7-").hasSize(1008);
    MemorizedFn1<Integer, String> slow = Memory.at(location).cache(MemoFunctions.slowLabel(log));
    int before = MemoFunctions.calls(log).size();
    assertThat(slow.apply(7)).isEqualTo(value);
    assertThat(MemoFunctions.calls(log)).hasSize(before);
  }
}
