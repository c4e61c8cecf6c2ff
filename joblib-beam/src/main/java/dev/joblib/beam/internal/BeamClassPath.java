package dev.joblib.beam.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before any pipeline is built, that the libraries joblib-beam needs at run time are on the
 * class path (they are {@code provided}: the user adds the versions of their cluster), so that a
 * missing one fails the backend's creation with the artifact to add instead of a {@code
 * NoClassDefFoundError} deep inside the first call.
 */
public final class BeamClassPath {
  /** A class of each needed library, and the artifact that holds it. */
  private static final Map<String, String> NEEDED = new LinkedHashMap<>();

  static {
    NEEDED.put("org.apache.beam.sdk.Pipeline", "org.apache.beam:beam-sdks-java-core");
    NEEDED.put(
        "org.apache.beam.sdk.io.parquet.ParquetIO", "org.apache.beam:beam-sdks-java-io-parquet");
    NEEDED.put(
        "org.apache.hadoop.conf.Configuration",
        "a Hadoop client (org.apache.hadoop:hadoop-client-api and hadoop-client-runtime; ParquetIO"
            + " needs it even for local files)");
  }

  private BeamClassPath() {}

  /**
   * Throws unless every needed library is there.
   *
   * @throws IllegalStateException naming each missing artifact and a class of it
   */
  public static void require() {
    ClassLoader loader = BeamClassPath.class.getClassLoader();
    List<String> missing = new ArrayList<>();
    NEEDED.forEach(
        (className, artifact) -> {
          try {
            Class.forName(className, false, loader);
          } catch (ClassNotFoundException | LinkageError e) {
            missing.add(artifact + " (class " + className + " is missing)");
          }
        });
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "backend 'beam' needs on the class path: "
              + String.join("; ", missing)
              + ". The Beam artifacts are provided: add the versions of your runner (see"
              + " joblib-beam's README, Dependencies)");
    }
  }
}
