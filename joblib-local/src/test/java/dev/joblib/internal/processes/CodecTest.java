package dev.joblib.internal.processes;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Fn1;
import dev.joblib.Fn2;
import dev.joblib.Task;
import dev.joblib.TaskContext;
import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import dev.joblib.spi.Nesting;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wire pieces without worker processes: frames, the compact codec, memmapping, options. */
class CodecTest {
  @TempDir Path temp;

  private static Object roundTrip(Object value, MemmapWriter memmap) throws Exception {
    Bytes.Out out = new Bytes.Out(16);
    CompactSerializer.INSTANCE.write(value, out, memmap);
    return CompactSerializer.INSTANCE.read(
        new Bytes.In(out.toByteArray()), CodecTest.class.getClassLoader());
  }

  @Test
  void framesRoundTripAndACleanEndIsNull() throws IOException {
    Bytes.Out out = new Bytes.Out(16);
    DataOutputStream data = new DataOutputStream(out);
    Frames.write(data, Frames.BATCH, new byte[] {1, 2, 3});
    Frames.write(data, Frames.EXIT, new byte[0]);
    DataInputStream in = new DataInputStream(new Bytes.In(out.toByteArray()));
    Frames.Frame first = Frames.read(in);
    assertThat(first.type()).isEqualTo(Frames.BATCH);
    assertThat(first.payload()).containsExactly(1, 2, 3);
    assertThat(Frames.read(in).type()).isEqualTo(Frames.EXIT);
    assertThat(Frames.read(in)).isNull();
  }

  @Test
  void batchesKeepEveryArgumentKindAndSharedReferences() throws Exception {
    List<Integer> shared = new ArrayList<>(List.of(1, 2));
    Fn2<Object, Object, String> describe = (a, b) -> a + "/" + b;
    List<Task<?>> tasks = new ArrayList<>();
    Object[] values = {
      null, 7, 8L, 9.5, true, false, "text", "x".repeat(20_000), shared, new int[] {1, 2}
    };
    for (Object v : values) {
      tasks.add(delayed(describe, v, shared));
    }
    tasks.add(delayed(() -> "no args"));
    Batch batch = new Batch(3, 40, tasks, 99L, "processes", new Nesting("threads", 2, 5, 3));
    Batch back = (Batch) roundTrip(batch, null);
    assertThat(back.sequence()).isEqualTo(3);
    assertThat(back.firstIndex()).isEqualTo(40);
    assertThat(back.seed()).isEqualTo(99L);
    assertThat(back.nestedBackend()).isEqualTo("threads");
    assertThat(back.nestingLevel()).isEqualTo(2);
    assertThat(back.nesting()).isEqualTo(new Nesting("threads", 2, 5, 3));
    assertThat(back.size()).isEqualTo(tasks.size());
    for (int i = 0; i < values.length - 1; i++) {
      assertThat(back.tasks().get(i).args().get(0)).isEqualTo(values[i]);
    }
    assertThat((int[]) back.tasks().get(values.length - 1).args().get(0)).containsExactly(1, 2);
    // one function object and one shared list, as Java serialization would give
    assertThat(back.tasks().get(0).function()).isSameAs(back.tasks().get(5).function());
    assertThat(back.tasks().get(0).args().get(1)).isSameAs(back.tasks().get(5).args().get(1));
    assertThat(back.tasks().get(8).args().get(0)).isSameAs(back.tasks().get(8).args().get(1));
    BatchOutcome outcome = back.run();
    assertThat(outcome.results().get(1)).isEqualTo("7/[1, 2]");
    assertThat(outcome.results().get(values.length)).isEqualTo("no args");
  }

  @Test
  void resultArraysAndOtherValuesRoundTrip() throws Exception {
    Object[] results = {1, null, "s", 2.5, List.of("a"), new StringBuilder("sb")};
    Object[] back = (Object[]) roundTrip(results, null);
    assertThat(Arrays.copyOf(back, 5)).containsExactly(1, null, "s", 2.5, List.of("a"));
    assertThat(back[5].toString()).isEqualTo("sb");
    assertThat(roundTrip(Map.of("k", 1), null)).isEqualTo(Map.of("k", 1));
  }

  @Test
  void anUnserializableArgumentFailsTheEncoding() {
    Object lock = new Object();
    Batch batch = new Batch(0, 0, List.of(delayed(x -> x, lock)), 1L, "processes", "threads", 1);
    assertThatThrownBy(() -> roundTrip(batch, null)).isInstanceOf(NotSerializableException.class);
  }

  @Test
  void aBatchOfCallsOfOneFunctionTravelsAsItsArgumentsAndRunsLikeItsTasks() throws Exception {
    MemmapWriter memmap = new MemmapWriter(1024, temp, "calls");
    double[] big = new double[1000];
    Object shared = List.of("shared");
    Fn1<Object, String> show =
        x ->
            x instanceof double[] d
                ? "array" + d.length
                : TaskContext.current().taskIndex() + ":" + x;
    Object[] args = {1, null, "two", 3L, shared, big, shared, 4.5, true};
    Batch batch =
        Batch.ofCalls(2, 10, show, args, 5L, "processes", new Nesting("threads", 2, 3, 0));

    Batch back = (Batch) roundTrip(batch, memmap);

    assertThat(back.callsFunction()).isNotNull();
    assertThat(back.size()).isEqualTo(9);
    assertThat(back.argument(4)).isSameAs(back.argument(6));
    assertThat(back.run().results())
        .containsExactly(
            "10:1",
            "11:null",
            "12:two",
            "13:3",
            "14:[shared]",
            "array1000",
            "16:[shared]",
            "17:4.5",
            "18:true");
    assertThat(memmap.writtenCount()).isEqualTo(1);
    assertThat(back.nesting()).isEqualTo(new Nesting("threads", 2, 3, 0));
    assertThat(back.seed()).isEqualTo(5L);
    memmap.close();
  }

  @Test
  void largeArraysAreWrittenOnceAndReadBackWhileSmallOnesTravelInline() throws Exception {
    MemmapWriter memmap = new MemmapWriter(1024, temp, "call1");
    double[] big = new double[1000];
    long[] longs = new long[300];
    byte[] small = new byte[100];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.5;
    }
    Arrays.fill(longs, 42L);
    List<Task<?>> tasks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tasks.add(delayed((double[] a, long[] b) -> a.length + b.length, big, longs));
    }
    tasks.add(delayed(b -> b, small));
    Batch back = (Batch) roundTrip(new Batch(0, 0, tasks, 1L, "processes", "threads", 1), memmap);
    assertThat(memmap.writtenCount()).isEqualTo(2);
    try (var files = Files.list(memmap.folder())) {
      assertThat(files).hasSize(2);
    }
    assertThat((double[]) back.tasks().get(4).args().get(0)).containsExactly(big);
    assertThat((long[]) back.tasks().get(0).args().get(1)).containsExactly(longs);
    // a second batch of the same call reuses the written files
    roundTrip(new Batch(1, 6, tasks.subList(0, 2), 1L, "processes", "threads", 1), memmap);
    assertThat(memmap.writtenCount()).isEqualTo(2);
    memmap.close();
    assertThat(memmap.folder()).doesNotExist();
  }

  @Test
  void onlyArraysLargerThanMaxNbytesAreMemmappedAsInJoblib() throws Exception {
    // joblib memmaps an array when a.nbytes > max_nbytes: one at exactly the limit travels inline
    MemmapWriter memmap = new MemmapWriter(1024, temp, "boundary");
    byte[] atLimit = new byte[1024];
    long[] atLimitLongs = new long[128];
    assertThat(memmap.apply(atLimit)).isSameAs(atLimit);
    assertThat(memmap.apply(atLimitLongs)).isSameAs(atLimitLongs);
    assertThat(memmap.writtenCount()).isZero();
    byte[] overLimit = new byte[1025];
    assertThat(memmap.apply(overLimit)).isInstanceOf(MappedArray.class);
    assertThat(memmap.writtenCount()).isEqualTo(1);
    memmap.close();
  }

  @Test
  void leftoversOfDeadParentsAreRemovedAndLiveOnesKept() throws Exception {
    Path dead = Files.createDirectory(temp.resolve(TempFolders.PREFIX + "999999999_x"));
    Files.write(dead.resolve("array0.D"), new byte[8]);
    Path mine =
        Files.createDirectory(
            temp.resolve(TempFolders.PREFIX + ProcessHandle.current().pid() + "_y"));
    TempFolders.removeLeftovers(temp, TempFolders.PREFIX, mine);
    assertThat(dead).doesNotExist();
    assertThat(mine).exists();
  }

  @Test
  void optionsAreParsedAndCheckedWithTheirNames() {
    assertThat(ProcessesOptions.duration("idleTimeout", "300")).isEqualTo(Duration.ofSeconds(300));
    assertThat(ProcessesOptions.duration("idleTimeout", "1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(ProcessesOptions.duration("idleTimeout", "250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ProcessesOptions.duration("idleTimeout", "PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ProcessesOptions.maxNbytes("1M")).isEqualTo(1L << 20);
    assertThat(ProcessesOptions.maxNbytes("off")).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> ProcessesOptions.duration("idleTimeout", "0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idleTimeout");
    ProcessesOptions options =
        ProcessesOptions.from(
            new BackendSpec(
                -1, Map.of("xmx", "512m", "jvmArgs", "-Dfoo=1  -Dbar=2", "maxNbytes", "500k"), 0));
    assertThat(options.nJobs()).isGreaterThanOrEqualTo(1);
    assertThat(options.xmx()).isEqualTo("512m");
    assertThat(options.jvmArgs()).containsExactly("-Dfoo=1", "-Dbar=2");
    assertThat(options.maxNbytes()).isEqualTo(500L << 10);
    assertThatThrownBy(() -> ProcessesOptions.from(new BackendSpec(2, Map.of("xmx", "lots"), 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("xmx")
        .hasMessageContaining("lots");
  }

  @Test
  void exitStatusesAreNamed() {
    assertThat(Worker.describeExit(137)).contains("signal 9", "SIGKILL", "137");
    assertThat(Worker.describeExit(3)).isEqualTo("exit code 3");
  }
}
