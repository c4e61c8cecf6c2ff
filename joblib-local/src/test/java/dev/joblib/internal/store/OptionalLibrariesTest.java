package dev.joblib.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.joblib.Fn1;
import dev.joblib.MemorizedFn1;
import dev.joblib.Memory;
import dev.joblib.internal.store.hadoop.HadoopStoreProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
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
  /** The test class path minus the entries whose path contains one of {@code excludedPaths}. */
  private static URLClassLoader classPathWithout(String... excludedPaths) throws Exception {
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
    return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
  }

  /** Runs {@code StoreRegistry.open(location, {})} on the class path minus some libraries. */
  private static Throwable openWithout(String location, String... excludedPaths) throws Exception {
    try (URLClassLoader loader = classPathWithout(excludedPaths)) {
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

  /** Runs {@code Memory.at(location)} on the class path minus some libraries. */
  private static Throwable memoryAtWithout(String location, String... excludedPaths)
      throws Exception {
    try (URLClassLoader loader = classPathWithout(excludedPaths)) {
      Method at = Class.forName(Memory.class.getName(), true, loader).getMethod("at", String.class);
      try {
        at.invoke(null, location);
        return null;
      } catch (InvocationTargetException e) {
        return e.getCause();
      }
    }
  }

  /** What a JVM without some libraries does with a memoised function sent to it. */
  public static final class Receiver {
    private Receiver() {}

    /**
     * Deserializes a {@code Fn1} and applies it.
     *
     * @return the result, or what the call threw
     */
    public static Object apply(byte[] serialized, Object argument) throws Exception {
      ClassLoader loader = Receiver.class.getClassLoader();
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(serialized)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc)
                throws IOException, ClassNotFoundException {
              return Class.forName(desc.getName(), false, loader);
            }
          }) {
        @SuppressWarnings("unchecked")
        Fn1<Object, Object> fn = (Fn1<Object, Object>) in.readObject();
        try {
          return fn.apply(argument);
        } catch (Throwable t) {
          return t;
        }
      }
    }
  }

  /**
   * A store whose library is missing is a mistake in the deployment, not an outage: {@code
   * Memory.at} fails naming the artifacts instead of returning a Memory that never caches.
   */
  @Test
  void withoutHadoopMemoryAtAnHdfsLocationFailsNamingTheArtifacts() throws Exception {
    Throwable failure = memoryAtWithout("hdfs://namenode:8020/cache", "/org/apache/hadoop/");

    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("org.apache.hadoop:hadoop-client-api")
        .hasMessageContaining("hdfs://namenode:8020/cache");
  }

  @Test
  void withoutTheAwsSdkMemoryAtAnS3LocationFailsNamingTheSdk() throws Exception {
    Throwable failure = memoryAtWithout("s3://bucket/cache", "/software/amazon/awssdk/");

    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("software.amazon.awssdk:s3");
  }

  @Test
  void withoutHadoopAwsMemoryAtAnS3aLocationFailsNamingHadoopAws() throws Exception {
    Throwable failure = memoryAtWithout("s3a://bucket/cache", "/hadoop-aws/");

    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("org.apache.hadoop:hadoop-aws");
  }

  @Test
  void withoutEitherMemoryAtALocalDirectoryStillWorks() throws Exception {
    String dir = new File("target").getAbsoluteFile().toURI().resolve("optional-libs").toString();

    assertThat(memoryAtWithout(dir, "/org/apache/hadoop/", "/software/amazon/awssdk/")).isNull();
  }

  /**
   * A memoised function built where Hadoop is present and sent to a JVM where it is not (a worker
   * deployed without the jar) fails its first call there, naming the artifacts, instead of
   * computing every call uncached.
   */
  @Test
  void aMemoisedFunctionSentWhereHadoopIsMissingFailsItsCallNamingTheArtifacts() throws Exception {
    Fn1<Integer, Integer> plusOne = (Integer x) -> x + 1;
    MemorizedFn1<Integer, Integer> cached = Memory.at("hdfs://127.0.0.1:1/cache").cache(plusOne);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(cached);
    }

    Object outcome;
    try (URLClassLoader loader = classPathWithout("/org/apache/hadoop/")) {
      outcome =
          Class.forName(Receiver.class.getName(), true, loader)
              .getMethod("apply", byte[].class, Object.class)
              .invoke(null, bytes.toByteArray(), 41);
    }

    assertThat(outcome)
        .isInstanceOf(IllegalStateException.class)
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
        .hasMessageContaining("org.apache.hadoop:hadoop-client-api")
        .hasMessageContaining("hdfs://127.0.0.1:1/cache");
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
