package dev.joblib.spark.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.SerializedLambda;
import java.net.URISyntaxException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.CodeSource;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.spark.sql.SparkSession;

/**
 * The code a Spark Connect server needs to run a call's batches, uploaded once per session with
 * Spark Connect's artifact API ({@code SparkSession.addArtifact}): joblib's own jars and the
 * libraries they need at run time, and the jar or class directory of every class a batch serializes
 * (the tasks' functions, the classes that captured a lambda, arguments, records). A class directory
 * (an IDE's or a build's output) is uploaded as a jar of its content as it is at that moment.
 * Classes of the JDK, Scala and Spark, which the server has, are never uploaded.
 *
 * <p>Spark Connect keeps what a session received for the session's lifetime, and keeps the first
 * version of a jar: code changed after its upload needs a new session.
 */
final class ConnectArtifacts {
  /** Classes whose code source joblib's tasks need on the server besides joblib's own. */
  private static final List<String> RUNTIME =
      List.of(
          "net.openhft.hashing.LongHashFunction",
          "org.objectweb.asm.ClassVisitor",
          "org.tukaani.xz.XZ",
          "net.jpountz.lz4.LZ4Factory");

  private static final List<String> SERVER_HAS =
      List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "scala.", "org.apache.spark.");

  /** Per session: the code sources already uploaded. */
  private static final Map<SparkSession, Set<Path>> UPLOADED = new WeakHashMap<>();

  /**
   * How many jars and class directories the session has received from joblib so far.
   *
   * @param session the session
   * @return the count, growing with every upload
   */
  static int uploads(SparkSession session) {
    synchronized (UPLOADED) {
      Set<Path> done = UPLOADED.get(session);
      return done == null ? 0 : done.size();
    }
  }

  private ConnectArtifacts() {}

  /** A batch's bytes and the classes they name. */
  record Serialized(byte[] bytes, Set<Class<?>> classes) {}

  /**
   * Serializes {@code value}, noting the classes written (a serializable lambda's capturing class
   * included).
   *
   * @throws IOException as {@link ObjectOutputStream} throws it
   */
  static Serialized write(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    Set<Class<?>> classes = new HashSet<>();
    try (ObjectOutputStream out = new NotingStream(bytes, classes)) {
      out.writeObject(value);
    }
    return new Serialized(bytes.toByteArray(), classes);
  }

  /**
   * Uploads to {@code session} the code sources of joblib and of {@code classes} that it has not
   * received yet. Thread-safe; the first call of a session pays for joblib's jars.
   *
   * @return how many artifacts were uploaded now
   */
  static int ensure(SparkSession session, Set<Class<?>> classes) {
    return ensure(session, classes, true);
  }

  private static int ensure(SparkSession session, Set<Class<?>> classes, boolean skipServers) {
    Set<Path> needed = new LinkedHashSet<>();
    codeSource(ConnectArtifacts.class).ifPresent(needed::add);
    codeSource(dev.joblib.Parallel.class).ifPresent(needed::add);
    for (String name : RUNTIME) {
      try {
        codeSource(Class.forName(name, false, ConnectArtifacts.class.getClassLoader()))
            .ifPresent(needed::add);
      } catch (ClassNotFoundException | LinkageError absent) {
        // an optional library joblib runs without (lz4, xz): nothing to upload
      }
    }
    for (Class<?> c : classes) {
      if (!skipServers || SERVER_HAS.stream().noneMatch(c.getName()::startsWith)) {
        codeSource(c).ifPresent(needed::add);
      }
    }
    synchronized (UPLOADED) {
      Set<Path> done = UPLOADED.computeIfAbsent(session, s -> new HashSet<>());
      needed.removeAll(done);
      for (Path source : needed) {
        upload(session, source);
        done.add(source);
      }
    }
    return needed.size();
  }

  /**
   * How a missing class shows in the server's errors: a {@code NoClassDefFoundError} or {@code
   * ClassNotFoundException} naming it, or {@link RunBatch}'s "class X is missing". Nothing else: a
   * task's own message that merely names a class ({@code ClassCastException}: "class A cannot be
   * cast to class B") must not make the batch run again.
   */
  private static final java.util.regex.Pattern MISSING =
      java.util.regex.Pattern.compile(
          "(?:(?:NoClassDefFoundError|ClassNotFoundException): ([\\w$./]+?)(?:[\\s;:,)]|$))"
              + "|(?:class ([\\w$./]+?) is missing)");

  /**
   * Uploads the code source of a class the server reported missing in {@code error} (its message
   * chain: {@code NoClassDefFoundError}, {@code ClassNotFoundException}), if this JVM has the class
   * and the session did not receive its jar or directory yet. Classes that no batch serializes
   * (used only inside the tasks' code, or hidden inside a value's own serialized form) are found
   * this way, at the cost of one failed attempt per missing jar.
   *
   * @param since the session's {@link #uploads} when the failed attempt started
   * @return whether the missing class's jar reached the session after {@code since} (uploaded now,
   *     or meanwhile by a batch that failed the same way), so that running the batch again may
   *     succeed
   */
  static boolean uploadMissing(SparkSession session, Throwable error, int since) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String text = t.getClass().getName() + ": " + t.getMessage();
      java.util.regex.Matcher m = MISSING.matcher(text);
      while (m.find()) {
        String name = (m.group(1) != null ? m.group(1) : m.group(2)).replace('/', '.');
        if (name.endsWith(".")) {
          name = name.substring(0, name.length() - 1);
        }
        try {
          Class<?> c = Class.forName(name, false, Wire.contextLoader());
          if (ensure(session, Set.of(c), false) > 0 || uploads(session) > since) {
            return true;
          }
        } catch (ClassNotFoundException | LinkageError notHere) {
          // not a class this JVM has either: nothing to upload
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static void upload(SparkSession session, Path source) {
    try {
      if (Files.isDirectory(source)) {
        Path jar = jarOf(source);
        try {
          session.addArtifact(jar.toString());
        } finally {
          Files.deleteIfExists(jar);
        }
      } else {
        session.addArtifact(source.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not upload " + source + " to Spark Connect", e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "backend 'spark': uploading "
              + source
              + " to the Spark Connect session failed (the server needs it to run the tasks): "
              + e,
          e);
    }
  }

  private static boolean hidden(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  /** The most bytes of a class directory uploaded as one jar. */
  static final long MAX_DIRECTORY_BYTES = 256L << 20;

  /**
   * A jar of the directory's content, named after the directory and its path's hash. Hidden files
   * and directories ({@code .git}, {@code .env}, an IDE's settings) stay out of it, and a directory
   * above {@link #MAX_DIRECTORY_BYTES} is refused: a class path entry such as {@code .} would
   * otherwise send the whole working directory to the server.
   */
  static Path jarOf(Path dir) throws IOException {
    Path parent = dir.getParent();
    String module =
        parent != null && parent.getParent() != null ? parent.getParent().getFileName() + "-" : "";
    String name =
        "joblib-upload-"
            + module
            + dir.getFileName()
            + "-"
            + Integer.toHexString(dir.toAbsolutePath().toString().hashCode())
            + ".jar";
    Path jar = Files.createTempDirectory("joblib-connect").resolve(name);
    jar.toFile().deleteOnExit();
    jar.getParent().toFile().deleteOnExit();
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            private long bytes;

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              return !d.equals(dir) && hidden(d)
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
              if (hidden(f)) {
                return FileVisitResult.CONTINUE;
              }
              bytes += attrs.size();
              if (bytes > MAX_DIRECTORY_BYTES) {
                throw new IOException(
                    "the class directory "
                        + dir
                        + " holds more than "
                        + MAX_DIRECTORY_BYTES
                        + " bytes: package the application as a jar for Spark Connect");
              }
              out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
              Files.copy(f, out);
              out.closeEntry();
              return FileVisitResult.CONTINUE;
            }
          });
    }
    return jar;
  }

  /** The jar or directory a class was loaded from, if it has one on the local file system. */
  private static java.util.Optional<Path> codeSource(Class<?> c) {
    CodeSource source =
        c.getProtectionDomain() == null ? null : c.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return java.util.Optional.empty();
    }
    try {
      Path path = Path.of(source.getLocation().toURI());
      return Files.exists(path) ? java.util.Optional.of(path) : java.util.Optional.empty();
    } catch (URISyntaxException
        | IllegalArgumentException
        | java.nio.file.FileSystemNotFoundException e) {
      return java.util.Optional.empty(); // not a local file (a nested jar of a fat jar, say)
    }
  }

  /** Notes every class written, and the class that captured each serializable lambda. */
  private static final class NotingStream extends ObjectOutputStream {
    private final Set<Class<?>> classes;

    NotingStream(OutputStream out, Set<Class<?>> classes) throws IOException {
      super(out);
      this.classes = classes;
      enableReplaceObject(true);
    }

    @Override
    protected void annotateClass(Class<?> c) {
      classes.add(c);
    }

    @Override
    protected void annotateProxyClass(Class<?> c) {
      classes.add(c);
      for (Class<?> i : c.getInterfaces()) {
        classes.add(i);
      }
    }

    @Override
    protected Object replaceObject(Object obj) {
      if (obj instanceof SerializedLambda lambda) {
        String name = lambda.getCapturingClass().replace('/', '.');
        try {
          classes.add(Class.forName(name, false, Wire.contextLoader()));
        } catch (ClassNotFoundException e) {
          // the lambda's class is not visible here: its other classes still are noted
        }
      }
      return obj;
    }
  }
}
