package dev.joblib.stores;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An entry that cannot be read because of where it is read (a storage node down), not because of
 * what it holds, is kept for the readers that can: the call computes its value without caching it,
 * with a warning, and once the storage is back the entry is a hit again. Only a damaged entry is
 * deleted.
 */
@Tag("reliability")
@Timeout(300)
class UnreadableEntriesTest {
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();
  static final AtomicInteger CALLS = new AtomicInteger();

  static String square(int x) {
    CALLS.incrementAndGet();
    return "square=" + (x * x);
  }

  @Test
  void anEntryWhoseDataNodeIsDownIsKeptAndHitsOnceItIsBack() throws Exception {
    URI location = HDFS.uri("/memory/unreadable");
    Memory.Builder builder = Memory.builder().location(location);
    HDFS.clientOptions().forEach(builder::storeOption);
    builder.storeOption("dfs.client.retry.window.base", "10");
    MemorizedFn1<Integer, String> f = builder.build().cache(UnreadableEntriesTest::square);
    assertThat(f.apply(7)).isEqualTo("square=49");
    assertThat(CALLS).hasValue(1);

    List<String> warnings;
    try (SafeLoadsTest.Warnings capture = new SafeLoadsTest.Warnings()) {
      HDFS.stopDataNode();
      try {
        assertThat(f.apply(7)).isEqualTo("square=49");
        assertThat(CALLS).hasValue(2);
      } finally {
        HDFS.restartDataNode();
      }
      warnings = List.copyOf(capture.messages());
    }
    assertThat(warnings).anySatisfy(m -> assertThat(m).contains("keeping the entry"));
    assertThat(warnings).noneSatisfy(m -> assertThat(m).contains("deleting the entry"));

    assertThat(f.apply(7)).isEqualTo("square=49");
    assertThat(CALLS).as("the kept entry is a hit again").hasValue(2);
  }
}
