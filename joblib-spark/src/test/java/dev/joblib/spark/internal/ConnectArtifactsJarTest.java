package dev.joblib.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class directory goes to a Spark Connect server as a jar of its classes and resources, never
 * with its hidden files and folders ({@code .git}, {@code .env}).
 */
class ConnectArtifactsJarTest {
  @TempDir Path dir;

  @Test
  void hiddenFilesAndFoldersStayOutOfTheUploadedJar() throws Exception {
    Files.createDirectories(dir.resolve("com/acme"));
    Files.write(dir.resolve("com/acme/Task.class"), new byte[] {(byte) 0xca, (byte) 0xfe});
    Files.writeString(dir.resolve("app.properties"), "mode=batch");
    Files.createDirectories(dir.resolve(".git/objects"));
    Files.writeString(dir.resolve(".git/config"), "[remote]");
    Files.writeString(dir.resolve(".env"), "AWS_SECRET_ACCESS_KEY=secret");

    Path jar = ConnectArtifacts.jarOf(dir);

    try (JarFile file = new JarFile(jar.toFile())) {
      List<String> names = Collections.list(file.entries()).stream().map(e -> e.getName()).toList();
      assertThat(names).containsExactlyInAnyOrder("com/acme/Task.class", "app.properties");
    }
  }
}
