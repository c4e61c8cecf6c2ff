package dev.joblib.stores;

import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On HDFS, cache files follow the file system's umask, as every Hadoop client's files do; a store
 * option {@code fs.permissions.umask-mode=077} makes the cache owner-only, like the local store's.
 */
@Tag("reliability")
class HdfsPermissionsTest {
  @RegisterExtension static final HdfsServer HDFS = new HdfsServer();

  @Test
  void anOwnerOnlyUmaskMakesEveryCacheFileAndDirectoryOwnerOnly() throws Exception {
    URI location = HDFS.uri("/owner-only");
    cacheOneValue(location, Map.of("fs.permissions.umask-mode", "077"));

    List<FileStatus> created = everythingUnder(location);
    assertThat(created).as("files and directories of the cache").hasSizeGreaterThanOrEqualTo(4);
    for (FileStatus status : created) {
      assertThat(status.getPermission().toString())
          .as("%s", status.getPath())
          .isEqualTo(status.isDirectory() ? "rwx------" : "rw-------");
    }
  }

  @Test
  void withoutTheOptionTheClustersDefaultUmaskApplies() throws Exception {
    URI location = HDFS.uri("/default-umask");
    cacheOneValue(location, Map.of());

    for (FileStatus status : everythingUnder(location)) {
      assertThat(status.getPermission().toString())
          .as("%s under Hadoop's default umask 022", status.getPath())
          .isEqualTo(status.isDirectory() ? "rwxr-xr-x" : "rw-r--r--");
    }
  }

  private static void cacheOneValue(URI location, Map<String, String> extra) throws Exception {
    Memory.Builder builder = Memory.builder().location(location);
    HDFS.clientOptions().forEach(builder::storeOption);
    extra.forEach(builder::storeOption);
    MemorizedFn1<Integer, Integer> square = builder.build().cache((Integer x) -> x * x);
    assertThat(square.apply(12)).isEqualTo(144);
    assertThat(square.isCached(12)).isTrue();
  }

  /** Every file and directory below the location (the location itself is created by the test). */
  private static List<FileStatus> everythingUnder(URI location) throws Exception {
    List<FileStatus> all = new ArrayList<>();
    try (FileSystem fs = FileSystem.newInstance(location, HDFS.clientConfiguration())) {
      Path root = new Path(location);
      collect(fs, root, all);
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
      while (files.hasNext()) {
        all.add(files.next());
      }
    }
    return all;
  }

  private static void collect(FileSystem fs, Path dir, List<FileStatus> into) throws Exception {
    for (FileStatus status : fs.listStatus(dir)) {
      if (status.isDirectory()) {
        into.add(status);
        collect(fs, status.getPath(), into);
      }
    }
  }
}
