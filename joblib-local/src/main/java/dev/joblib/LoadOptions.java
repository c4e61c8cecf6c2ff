package dev.joblib;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * How {@code Joblib.load} reads: memory-mapping, the deserialization filter's allow-list and
 * limits, and signature verification. Immutable; each {@code with} method returns a copy.
 *
 * <p>Every load runs under an {@link java.io.ObjectInputFilter}. For a file from anyone else, use
 * {@link #safe(java.lang.reflect.Type...)}: only the JDK's value types and the packages of the
 * types you expect are deserialized. By default it refuses the classes of known deserialization
 * gadget chains and relocated copies of them (Commons Collections functors, Xalan templates,
 * Groovy, Spring, RMI, JNDI, reflection proxies and more, see docs/persistence.md) and bounds the
 * graph's depth, references and array lengths; other classes of the class path are deserialized.
 * With {@link #allow(String...)} it switches to allow-list mode: only the listed classes, plus the
 * JDK's value and collection types, may be loaded. A filter set for the whole JVM ({@code
 * jdk.serialFilter}) is applied as well.
 *
 * <p>Whatever the limits, a load allocates only for bytes that are there: declared lengths are
 * checked against the bytes of a file or of the object stream, arrays read from a stream grow as
 * their bytes arrive, and compressed dumps may expand to at most {@link
 * #withMaxDecompressedBytes(long) maxDecompressedBytes}.
 *
 * @since 0.1
 */
public final class LoadOptions {
  private static final Pattern PATTERN =
      Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*(\\.\\*\\*|\\.\\*)?");
  private static final LoadOptions DEFAULTS = new LoadOptions(new Draft());

  private final boolean mmap;
  private final boolean checkMapped;
  private final List<String> allowed;
  private final byte[] key;
  private final long maxDepth;
  private final long maxReferences;
  private final long maxArrayLength;
  private final long maxDecompressedBytes;

  private LoadOptions(Draft d) {
    this.mmap = d.mmap;
    this.checkMapped = d.checkMapped;
    this.allowed = d.allowed;
    this.key = d.key;
    this.maxDepth = d.maxDepth;
    this.maxReferences = d.maxReferences;
    this.maxArrayLength = d.maxArrayLength;
    this.maxDecompressedBytes = d.maxDecompressedBytes;
  }

  /**
   * No mapping, default filter, no signature check.
   *
   * @return the defaults
   */
  public static LoadOptions defaults() {
    return DEFAULTS;
  }

  /**
   * The defaults with memory-mapping on (joblib's {@code mmap_mode="r"}).
   *
   * @return the options
   * @see #withMmap(boolean)
   */
  public static LoadOptions mmap() {
    return DEFAULTS.withMmap(true);
  }

  /**
   * The defaults in allow-list mode.
   *
   * @param patterns class patterns: {@code com.acme.Model} (one class), {@code com.acme.*} (the
   *     classes of one package) or {@code com.acme.**} (a package and its sub-packages)
   * @return the options
   * @throws IllegalArgumentException if a pattern is malformed or none is given
   * @see #withAllowed(String...)
   */
  public static LoadOptions allow(String... patterns) {
    return DEFAULTS.withAllowed(patterns);
  }

  /**
   * Safe mode: the defaults in allow-list mode, admitting only the JDK's value and collection types
   * ({@code String}, boxed primitives, {@code java.math}, {@code java.time}, {@code java.util}
   * collections...), arrays, and the classes of the packages of {@code types} and of the types
   * their fields and record components declare, transitively (JDK packages excepted). Nothing else
   * is deserialized, whatever library is on the class path: no gadget chain, no {@code
   * SerializedLambda}. This is what {@code Memory} loads under by default from a store that is not
   * a private local directory.
   *
   * <pre>{@code
   * Model m = Joblib.load(path, LoadOptions.safe(Model.class));
   * }</pre>
   *
   * @param types the types the dump is expected to hold, such as {@code Model.class} (a {@link
   *     java.lang.reflect.ParameterizedType} works too); none for JDK types only
   * @return the options; {@link #allowed()} lists the packages admitted, or {@code
   *     java.lang.Object} (always admitted) when the types add none
   * @throws NullPointerException if {@code types} is null
   * @since 0.1
   */
  public static LoadOptions safe(java.lang.reflect.Type... types) {
    Objects.requireNonNull(types, "types must not be null");
    java.util.Set<String> patterns = ExpectedClasses.patterns(types);
    return patterns.isEmpty()
        ? DEFAULTS.withAllowed("java.lang.Object")
        : DEFAULTS.withAllowed(patterns.toArray(new String[0]));
  }

  /**
   * The defaults, requiring a valid HMAC-SHA256 signature under {@code key}.
   *
   * @param key the key the dump was signed with
   * @return the options
   * @throws IllegalArgumentException if {@code key} is shorter than 16 bytes
   * @see #withVerification(byte[])
   */
  public static LoadOptions verify(byte[] key) {
    return DEFAULTS.withVerification(key);
  }

  /**
   * A copy with memory-mapping on or off. When on and the dump is an uncompressed file, primitive
   * {@link java.nio.Buffer}s stored in it come back as read-only buffers mapped on the file, in
   * O(1) whatever their size, and their bytes are not checksummed at load (unless {@link
   * #withMappedChecksums(boolean)}). Java arrays cannot be backed by a mapping, so {@code double[]}
   * and friends are read (fast) as usual. Compressed files and streams ignore the setting.
   *
   * @param on whether to map
   * @return the copy
   */
  public LoadOptions withMmap(boolean on) {
    return copy(d -> d.mmap = on);
  }

  /**
   * A copy that checks the checksum of every block it maps before handing the mapping out. A mapped
   * load then reads each mapped block once (O(size) instead of O(1)), and a file damaged since it
   * was written is refused instead of returning altered values. Memory turns this on for its cache
   * entries. Without mapping, every block is always checked.
   *
   * @param on whether to check mapped blocks
   * @return the copy
   */
  public LoadOptions withMappedChecksums(boolean on) {
    return copy(d -> d.checkMapped = on);
  }

  /**
   * A copy in allow-list mode with these patterns added.
   *
   * @param patterns see {@link #allow(String...)}
   * @return the copy
   * @throws IllegalArgumentException if a pattern is malformed or none is given
   */
  public LoadOptions withAllowed(String... patterns) {
    Objects.requireNonNull(patterns, "patterns must not be null");
    if (patterns.length == 0) {
      throw new IllegalArgumentException(
          "patterns must hold at least one class pattern, such as com.acme.**, got []");
    }
    List<String> all = new ArrayList<>(allowed);
    for (String p : patterns) {
      if (p == null || !PATTERN.matcher(p).matches()) {
        throw new IllegalArgumentException(
            "class pattern must look like com.acme.Model, com.acme.* or com.acme.**, got '"
                + p
                + "'");
      }
      all.add(p);
    }
    return copy(d -> d.allowed = List.copyOf(all));
  }

  /**
   * A copy that requires a valid HMAC-SHA256 signature under {@code key}: an unsigned dump, or a
   * signed one with any byte altered, is refused before anything is deserialized.
   *
   * @param key the key, at least 16 bytes (copied)
   * @return the copy
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code key} is shorter than 16 bytes
   */
  public LoadOptions withVerification(byte[] key) {
    byte[] checked = DumpOptions.checkKey(key);
    return copy(d -> d.key = checked);
  }

  /**
   * A copy with other filter limits.
   *
   * @param maxDepth the deepest nesting of objects allowed (default 2000)
   * @param maxReferences the most object references allowed (default 100 million)
   * @param maxArrayLength the longest array allowed, in elements (default the JVM's limit)
   * @return the copy
   * @throws IllegalArgumentException if a limit is not positive
   */
  public LoadOptions withLimits(long maxDepth, long maxReferences, long maxArrayLength) {
    if (maxDepth < 1 || maxReferences < 1 || maxArrayLength < 1) {
      throw new IllegalArgumentException(
          "limits must be positive, got maxDepth="
              + maxDepth
              + ", maxReferences="
              + maxReferences
              + ", maxArrayLength="
              + maxArrayLength);
    }
    return copy(
        d -> {
          d.maxDepth = maxDepth;
          d.maxReferences = maxReferences;
          d.maxArrayLength = maxArrayLength;
        });
  }

  /**
   * A copy with another limit on the bytes a compressed dump may expand to. A load reads at most
   * this many bytes out of the decompressor, and refuses at once a dump whose declared sections add
   * up to more; a signed stream is copied to its temporary file only up to a little more than this
   * size. The default is the JVM's maximum heap size ({@link Runtime#maxMemory()}): a value whose
   * bytes do not fit in the heap cannot be loaded anyway. Uncompressed dumps need no such limit:
   * what they declare is checked against the bytes present (files) or allocated as the bytes arrive
   * (streams).
   *
   * @param maxDecompressedBytes the limit in bytes, positive
   * @return the copy
   * @throws IllegalArgumentException if {@code maxDecompressedBytes} is not positive
   * @since 0.1
   */
  public LoadOptions withMaxDecompressedBytes(long maxDecompressedBytes) {
    if (maxDecompressedBytes < 1) {
      throw new IllegalArgumentException(
          "maxDecompressedBytes must be positive, got " + maxDecompressedBytes);
    }
    return copy(d -> d.maxDecompressedBytes = maxDecompressedBytes);
  }

  /**
   * The most bytes a compressed dump may expand to.
   *
   * @return the limit, in bytes
   * @see #withMaxDecompressedBytes(long)
   * @since 0.1
   */
  public long maxDecompressedBytes() {
    return maxDecompressedBytes;
  }

  /**
   * Whether memory-mapping is on.
   *
   * @return true if on
   */
  public boolean isMmap() {
    return mmap;
  }

  /**
   * Whether mapped blocks are checked against their checksums at load.
   *
   * @return true if checked
   * @see #withMappedChecksums(boolean)
   */
  public boolean checksMapped() {
    return checkMapped;
  }

  /**
   * The allow-list patterns; empty in the default (deny-list) mode.
   *
   * @return the patterns, unmodifiable
   */
  public List<String> allowed() {
    return allowed;
  }

  /**
   * Whether a signature is required.
   *
   * @return true if a key was given
   */
  public boolean verifiesSignature() {
    return key != null;
  }

  /**
   * The deepest nesting allowed.
   *
   * @return the limit
   */
  public long maxDepth() {
    return maxDepth;
  }

  /**
   * The most references allowed.
   *
   * @return the limit
   */
  public long maxReferences() {
    return maxReferences;
  }

  /**
   * The longest array allowed.
   *
   * @return the limit, in elements
   */
  public long maxArrayLength() {
    return maxArrayLength;
  }

  byte[] key() {
    return key;
  }

  @Override
  public String toString() {
    return "LoadOptions[mmap="
        + mmap
        + ", checkMapped="
        + checkMapped
        + ", allowed="
        + allowed
        + ", verify="
        + verifiesSignature()
        + ", maxDepth="
        + maxDepth
        + ", maxReferences="
        + maxReferences
        + ", maxArrayLength="
        + maxArrayLength
        + ", maxDecompressedBytes="
        + maxDecompressedBytes
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LoadOptions l
        && l.mmap == mmap
        && l.checkMapped == checkMapped
        && l.allowed.equals(allowed)
        && Arrays.equals(l.key, key)
        && l.maxDepth == maxDepth
        && l.maxReferences == maxReferences
        && l.maxArrayLength == maxArrayLength
        && l.maxDecompressedBytes == maxDecompressedBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        mmap,
        checkMapped,
        allowed,
        Arrays.hashCode(key),
        maxDepth,
        maxReferences,
        maxArrayLength,
        maxDecompressedBytes);
  }

  private LoadOptions copy(Consumer<Draft> change) {
    Draft d = new Draft();
    d.mmap = mmap;
    d.checkMapped = checkMapped;
    d.allowed = allowed;
    d.key = key;
    d.maxDepth = maxDepth;
    d.maxReferences = maxReferences;
    d.maxArrayLength = maxArrayLength;
    d.maxDecompressedBytes = maxDecompressedBytes;
    change.accept(d);
    return new LoadOptions(d);
  }

  /**
   * The fields of an instance being made (the defaults until a wither sets one), copied in once.
   */
  private static final class Draft {
    boolean mmap;
    boolean checkMapped;
    List<String> allowed = List.of();
    byte[] key;
    long maxDepth = 2_000;
    long maxReferences = 100_000_000L;
    long maxArrayLength = Integer.MAX_VALUE - 8;
    long maxDecompressedBytes = Runtime.getRuntime().maxMemory();
  }

  /**
   * The allow-list patterns of {@link LoadOptions#safe(Type...)}: the package of each given type
   * that is not the JDK's, then of the types their fields, record components, superclasses and
   * permitted subclasses declare (type arguments included), transitively. JDK packages are never
   * added (the filter admits the JDK's value and collection types by itself), so {@code Object} or
   * {@code List} admit nothing more; a class in the unnamed package is admitted by its name alone.
   */
  private static final class ExpectedClasses {
    /** Bounds the walk over a large type graph; the packages found so far stay admitted. */
    private static final int MAX_CLASSES = 512;

    private final Set<String> patterns = new LinkedHashSet<>();
    private final Set<Class<?>> seen = new HashSet<>();
    private final Deque<Class<?>> pending = new ArrayDeque<>();

    private ExpectedClasses() {}

    static Set<String> patterns(Type... roots) {
      ExpectedClasses walk = new ExpectedClasses();
      for (Type root : roots) {
        walk.add(root, 0);
      }
      while (!walk.pending.isEmpty() && walk.seen.size() < MAX_CLASSES) {
        walk.visit(walk.pending.poll());
      }
      return walk.patterns;
    }

    static boolean isJdk(String name) {
      return name.startsWith("java.")
          || name.startsWith("javax.")
          || name.startsWith("jdk.")
          || name.startsWith("sun.")
          || name.startsWith("com.sun.");
    }

    private void add(Type type, int depth) {
      if (type == null || depth > 16) {
        return;
      }
      if (type instanceof Class<?> c) {
        while (c.isArray()) {
          c = c.getComponentType();
        }
        if (!c.isPrimitive() && !isJdk(c.getName()) && seen.add(c)) {
          String pkg = c.getPackageName();
          patterns.add(pkg.isEmpty() ? c.getName() : pkg + ".*");
          pending.add(c);
        }
      } else if (type instanceof ParameterizedType p) {
        add(p.getRawType(), depth + 1);
        for (Type argument : p.getActualTypeArguments()) {
          add(argument, depth + 1);
        }
      } else if (type instanceof GenericArrayType a) {
        add(a.getGenericComponentType(), depth + 1);
      } else if (type instanceof WildcardType w) {
        for (Type bound : w.getUpperBounds()) {
          add(bound, depth + 1);
        }
      } else if (type instanceof TypeVariable<?> v) {
        for (Type bound : v.getBounds()) {
          add(bound, depth + 1);
        }
      }
    }

    private void visit(Class<?> c) {
      try {
        for (Field f : c.getDeclaredFields()) {
          int m = f.getModifiers();
          if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
            add(f.getGenericType(), 0);
          }
        }
        add(c.getGenericSuperclass(), 0);
        Class<?>[] permitted = c.getPermittedSubclasses();
        if (permitted != null) {
          for (Class<?> p : permitted) {
            add(p, 0);
          }
        }
      } catch (LinkageError | RuntimeException e) {
        // a field type missing from the class path: the packages found so far stay admitted
      }
    }
  }
}
