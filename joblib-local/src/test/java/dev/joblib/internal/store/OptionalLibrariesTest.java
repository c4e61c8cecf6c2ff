package dev.joblib.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.internal.store.hadoop.HadoopStoreProvider;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hadoop and the AWS SDK are optional: without them the other stores work and naming their schemes
 * says which artifacts to add; with them, Hadoop schemes nobody claims go to the Hadoop store.
 */
class OptionalLibrariesTest {
  /** Runs {@code StoreRegistry.open(location, {})} on the class path minus some libraries. */
  private static Throwable openWithout(String location, String... excludedPaths) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String normalized = entry.replace('\\', '/');
      boolean excluded = false;
      for (String path : excludedPaths) {
        excluded |= normalized.contains(path);
      }
      if (!excluded) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    try (URLClassLoader loader =
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Class<?> registry = Class.forName(StoreRegistry.class.getName(), true, loader);
      Method open = registry.getMethod("open", URI.class, Map.class);
      try {
        Object store = open.invoke(null, URI.create(location), Map.of());
        ((AutoCloseable) store).close();
        return null;
      } catch (InvocationTargetException e) {
        return e.getCause();
      }
    }
  }

  @Test
  void withoutHadoopHdfsLocationsNameTheHadoopArtifacts() throws Exception {
    Throwable failure = openWithout("hdfs://namenode:8020/cache", "/org/apache/hadoop/");

    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("org.apache.hadoop:hadoop-client-api")
        .hasMessageContaining("hadoop-client-runtime")
        .hasMessageContaining("hdfs://namenode:8020/cache");
  }

  @Test
  void withoutHadoopAwsS3aLocationsNameHadoopAws() throws Exception {
    Throwable failure = openWithout("s3a://bucket/cache", "/hadoop-aws/");

    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("org.apache.hadoop:hadoop-aws")
        .hasMessageContaining("s3a://bucket/cache");
  }

  @Test
  void withoutTheAwsSdkS3LocationsNameTheSdkArtifact() throws Exception {
    Throwable failure = openWithout("s3://bucket/cache", "/software/amazon/awssdk/");

    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("software.amazon.awssdk:s3")
        .hasMessageContaining("s3://bucket/cache");
  }

  @Test
  void withoutEitherTheLocalStoreStillOpens() throws Exception {
    String dir = new File("target").getAbsoluteFile().toURI().resolve("optional-libs").toString();

    assertThat(openWithout(dir, "/org/apache/hadoop/", "/software/amazon/awssdk/")).isNull();
  }

  @Test
  void hadoopSchemesNobodyClaimsGoToTheHadoopStore() {
    assertThat(StoreRegistry.provider(URI.create("webhdfs://127.0.0.1:9870/cache")))
        .isInstanceOf(HadoopStoreProvider.class);
    assertThat(StoreRegistry.provider(URI.create("viewfs://cluster/cache")))
        .isInstanceOf(HadoopStoreProvider.class);
    assertThatThrownBy(() -> StoreRegistry.provider(URI.create("nosuchfs://x/cache")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nosuchfs")
        .hasMessageContaining("hdfs")
        .hasMessageContaining("s3");
  }

  @Test
  void unknownJoblibOptionsOfAHadoopStoreAreRejected() {
    assertThatThrownBy(
            () ->
                StoreRegistry.open(
                    URI.create("hdfs://127.0.0.1:1/cache"), Map.of("joblib.touchIntervl", "PT1M")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("joblib.touchIntervl")
        .hasMessageContaining("joblib.touchInterval");
  }
}
