package dev.joblib.spark.internal;

import dev.joblib.Task;
import dev.joblib.spi.ArrayBounds;
import dev.joblib.spi.Batch;
import dev.joblib.spi.Tasks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * Serializes a call's batches, shipping every large value they share once per call as a Spark
 * broadcast instead of inside each batch, so that no Spark task carries it (a task above {@code
 * spark.rpc.message.maxSize} aborts the job).
 *
 * <p>What is shipped apart: a task's <em>roots</em> of at least {@link #THRESHOLD_BYTES} serialized
 * (its arguments and its function's captured values: a lambda's captured arguments, or another
 * function's non-transient fields), and any primitive array of that size reached from a batch. A
 * value is measured once per call (by identity; strings, boxed values and enums are known small),
 * broadcast once as its Java-serialized bytes, and read once per executor: the tasks of one
 * executor share the copy, so it must be treated as read-only. A large root's large parts (one
 * level) are broadcast by themselves first, so that a per-task wrapper around a shared value ships
 * the value once. {@link #destroy()} removes the broadcasts when the call ends.
 *
 * <p>Tasks and serialized lambdas are rewritten with the placeholders rather than matched by
 * identity in the stream, since a value with a {@code writeReplace} ({@code List.of}, a lambda, a
 * {@link Batch}, which travels as its compact form) reaches {@code replaceObject} as another
 * object.
 */
final class SharedValues {
  /** Values of at least this many serialized bytes are broadcast. */
  static final long THRESHOLD_BYTES = 1 << 20;

  /** A large value with more parts than this is broadcast whole without looking at them. */
  private static final int MAX_PARTS = 256;

  private final Function<byte[], Broadcast<byte[]>> broadcaster;

  /** The broadcast values, by identity; they stay until the call ends. */
  private final Map<Object, Shared> broadcasts = new IdentityHashMap<>();

  /** Roots measured below the threshold, held weakly. */
  private final WeakIdentitySet small = new WeakIdentitySet();

  /** Arguments passed to one task so far, not measured, held weakly. */
  private final WeakIdentitySet seenOnce = new WeakIdentitySet();

  /**
   * Creates the serializer of one call.
   *
   * @param broadcaster makes a broadcast of bytes (the Spark context's)
   */
  SharedValues(Function<byte[], Broadcast<byte[]>> broadcaster) {
    this.broadcaster = broadcaster;
  }

  /** Serializes {@code value} with large shared values replaced by broadcast references. */
  byte[] write(Object value) throws IOException {
    return write(value, true);
  }

  /**
   * As {@link #write(Object)}, after a leading big-endian long {@code header} (what {@link
   * RunBatch} reads before the batch).
   */
  byte[] write(long header, Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes.write((int) (header >>> shift));
    }
    return write(bytes, value, true);
  }

  /**
   * Serializes {@code value} with the values broadcast so far and large primitive arrays replaced;
   * with {@code roots}, tasks' large roots too.
   */
  private byte[] write(Object value, boolean roots) throws IOException {
    return write(new ByteArrayOutputStream(256), value, roots);
  }

  private byte[] write(ByteArrayOutputStream bytes, Object value, boolean roots)
      throws IOException {
    try (Replacing out = new Replacing(bytes, roots)) {
      out.writeObject(roots && value instanceof Batch batch ? withSharedArgs(batch, out) : value);
    }
    return bytes.toByteArray();
  }

  /**
   * The batch with its tasks' large arguments replaced by broadcast references. A batch travels in
   * a compact form that holds no {@link Task}, so its tasks are rewritten before it is written;
   * functions that are not lambdas are handed to the stream, which broadcasts their large fields
   * when it meets them.
   */
  private Batch withSharedArgs(Batch batch, Replacing out) {
    List<Task<?>> tasks = new ArrayList<>(batch.size());
    Set<Object> shared = sharedArguments(batch);
    boolean replaced = false;
    for (Task<?> task : batch.tasks()) {
      out.writing(task.function());
      Task<?> rewritten = shared.isEmpty() ? task : withSharedArgs(task, shared);
      replaced |= rewritten != task;
      tasks.add(rewritten);
    }
    return replaced
        ? new Batch(
            batch.sequence(),
            batch.firstIndex(),
            tasks,
            batch.seed(),
            batch.backendId(),
            batch.nesting())
        : batch;
  }

  /** How many values were broadcast so far. */
  int broadcastCount() {
    return broadcasts.size();
  }

  /** The broadcasts made so far. */
  List<Broadcast<byte[]>> broadcasts() {
    List<Broadcast<byte[]>> list = new ArrayList<>();
    broadcasts.values().forEach(shared -> list.add(shared.broadcast));
    return list;
  }

  /** Removes the broadcasts from the executors and the driver; the call is over. */
  void destroy() {
    for (Shared shared : broadcasts.values()) {
      shared.broadcast.destroy(false);
    }
    broadcasts.clear();
    small.clear();
    seenOnce.clear();
  }

  static boolean isLargePrimitiveArray(Object obj) {
    Class<?> type = obj.getClass();
    if (!type.isArray() || !type.getComponentType().isPrimitive()) {
      return false;
    }
    long length = Array.getLength(obj);
    return length * ArrayBounds.elementSize(type.getComponentType()) >= THRESHOLD_BYTES;
  }

  /** Values that are small by their type (a long string is measured by its length). */
  private static boolean knownSmall(Object value) {
    if (value instanceof String s) {
      return s.length() < THRESHOLD_BYTES;
    }
    return value instanceof Number && value.getClass().getName().startsWith("java.lang.")
        || value instanceof Boolean
        || value instanceof Character
        || value instanceof Enum<?>
        || value instanceof Class<?>;
  }

  /**
   * The broadcast reference standing for {@code root}, broadcasting it now if it is large, or null
   * if it stays inline (small, or not serializable: the batch then fails as it would without this
   * class, naming the task). A large root's own parts are looked at first: those that are large are
   * broadcast by themselves (a per-task wrapper around a shared model broadcasts the model once),
   * and the root is broadcast only if it is still large without them.
   */
  private Shared shareIfLarge(Object root) {
    return shareIfLarge(root, true);
  }

  private Shared shareIfLarge(Object root, boolean parts) {
    if (root == null || knownSmall(root)) {
      return null;
    }
    Shared known = broadcasts.get(root);
    if (known != null || small.contains(root)) {
      return known;
    }
    if (root.getClass().isArray() && root.getClass().getComponentType().isPrimitive()) {
      return isLargePrimitiveArray(root) ? share(root, Wire.writeOrFail(root)) : remember(root);
    }
    byte[] bytes = measure(root);
    if (bytes != null && bytes.length >= THRESHOLD_BYTES && parts && shareLargeParts(root)) {
      bytes = measure(root);
    }
    if (bytes == null) {
      return null;
    }
    return bytes.length >= THRESHOLD_BYTES ? share(root, bytes) : remember(root);
  }

  /** The value serialized with what is broadcast already replaced, or null if it does not. */
  private byte[] measure(Object value) {
    try {
      return write(value, false);
    } catch (IOException | RuntimeException notSerializable) {
      return null;
    }
  }

  /** Broadcasts the large parts of {@code value}; whether there was any. */
  private boolean shareLargeParts(Object value) {
    List<Object> parts = partsOf(value);
    boolean shared = false;
    for (Object part : parts.size() <= MAX_PARTS ? parts : List.of()) {
      shared |= shareIfLarge(part, false) != null;
    }
    return shared;
  }

  /**
   * The values one level inside {@code value}: the elements of an object array or a collection, the
   * keys and values of a map, otherwise the non-transient fields the module system lets joblib read
   * (the fields of JDK classes are hidden: their values stay part of the whole).
   */
  private static List<Object> partsOf(Object value) {
    List<Object> parts = new ArrayList<>();
    if (value instanceof Object[] array) {
      return array.length <= MAX_PARTS ? Arrays.asList(array) : parts;
    }
    if (value instanceof Collection<?> collection) {
      if (collection.size() <= MAX_PARTS) {
        parts.addAll(collection);
      }
      return parts;
    }
    if (value instanceof Map<?, ?> map) {
      if (map.size() <= MAX_PARTS / 2) {
        parts.addAll(map.keySet());
        parts.addAll(map.values());
      }
      return parts;
    }
    for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (Modifier.isStatic(modifiers)
            || Modifier.isTransient(modifiers)
            || field.getType().isPrimitive()) {
          continue;
        }
        try {
          field.setAccessible(true);
          parts.add(field.get(value));
        } catch (RuntimeException | IllegalAccessException hidden) {
          // InaccessibleObjectException: the field's package is not open to joblib
        }
      }
    }
    return parts;
  }

  private Shared remember(Object smallRoot) {
    small.add(smallRoot);
    return null;
  }

  private Shared share(Object value, byte[] bytes) {
    Shared shared = new Shared(broadcaster.apply(bytes));
    broadcasts.put(value, shared);
    return shared;
  }

  /**
   * The values of {@code batch}'s arguments that several tasks share: an argument, or a part of one
   * (one level: a field, an element), reached from two of its tasks, or seen in an earlier batch of
   * the call, or broadcast already. A value of one task only stays inline (broadcasting it would
   * ship it once all the same, and pin it on the driver and the executors until the call ends); it
   * is remembered, weakly, in case a later task passes it again. A per-task wrapper around a shared
   * model is inline, and the model in it is shared.
   */
  private Set<Object> sharedArguments(Batch batch) {
    Map<Object, Integer> uses = new IdentityHashMap<>();
    for (Task<?> task : batch.tasks()) {
      for (Object arg : task.args()) {
        if (candidate(arg)) {
          uses.merge(arg, 1, Integer::sum);
          for (Object part : partsOf(arg)) {
            if (candidate(part)) {
              uses.merge(part, 1, Integer::sum);
            }
          }
        }
      }
    }
    Set<Object> shared = Collections.newSetFromMap(new IdentityHashMap<>());
    uses.forEach(
        (value, count) -> {
          if (count > 1 || seenOnce.contains(value) || broadcasts.containsKey(value)) {
            shared.add(value);
          } else {
            seenOnce.add(value);
          }
        });
    return shared;
  }

  private boolean candidate(Object value) {
    return value != null && !knownSmall(value) && !small.contains(value);
  }

  /** The task with its large shared arguments replaced by their broadcast references. */
  private Task<?> withSharedArgs(Task<?> task, Set<Object> sharedArguments) {
    List<Object> args = task.args();
    Object[] replaced = null;
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      if (!sharedArguments.contains(arg)) {
        if (candidate(arg)) { // inline, but the shared values in it are replaced by the stream
          partsOf(arg).stream()
              .filter(sharedArguments::contains)
              .forEach(p -> shareIfLarge(p, false));
        }
        continue;
      }
      Shared shared = shareIfLarge(arg);
      if (shared != null) {
        replaced = replaced != null ? replaced : args.toArray();
        replaced[i] = shared;
      }
    }
    return replaced == null ? task : Tasks.of(task.function(), replaced);
  }

  /**
   * The serialized form of a lambda with its large captured values replaced by broadcast
   * references; unchanged if its capturing class cannot be found with {@code loader}.
   */
  private SerializedLambda withSharedCaptures(SerializedLambda lambda, ClassLoader loader) {
    Object[] captured = new Object[lambda.getCapturedArgCount()];
    Class<?> capturing = null;
    boolean replaced = false;
    for (int i = 0; i < captured.length; i++) {
      Object value = lambda.getCapturedArg(i);
      captured[i] = value;
      if (value == null || knownSmall(value) || small.contains(value)) {
        continue;
      }
      if (capturing == null && (capturing = capturingClass(lambda, loader)) == null) {
        return lambda; // before anything is broadcast for it
      }
      Shared shared = shareIfLarge(value);
      if (shared != null) {
        captured[i] = shared;
        replaced = true;
      }
    }
    if (!replaced) {
      return lambda;
    }
    return new SerializedLambda(
        capturing,
        lambda.getFunctionalInterfaceClass(),
        lambda.getFunctionalInterfaceMethodName(),
        lambda.getFunctionalInterfaceMethodSignature(),
        lambda.getImplMethodKind(),
        lambda.getImplClass(),
        lambda.getImplMethodName(),
        lambda.getImplMethodSignature(),
        lambda.getInstantiatedMethodType(),
        captured);
  }

  private static Class<?> capturingClass(SerializedLambda lambda, ClassLoader loader) {
    String name = lambda.getCapturingClass().replace('/', '.');
    for (ClassLoader candidate : List.of(loader, Wire.contextLoader())) {
      try {
        return Class.forName(name, false, candidate);
      } catch (ClassNotFoundException | LinkageError tryNext) {
        // the next loader
      }
    }
    return null;
  }

  private final class Replacing extends ObjectOutputStream {
    /** The functions of the tasks written so far that are not lambdas, by identity. */
    private final Set<Object> functions = Collections.newSetFromMap(new IdentityHashMap<>());

    private final boolean roots;
    private ClassLoader loader = Wire.contextLoader();

    Replacing(OutputStream out, boolean roots) throws IOException {
      super(out);
      this.roots = roots;
      enableReplaceObject(true);
    }

    /** A function of the tasks about to be written. */
    void writing(Serializable function) {
      // a lambda is written as its SerializedLambda, never seen by replaceObject itself
      functions.add(function);
      loader = function.getClass().getClassLoader();
    }

    @Override
    protected Object replaceObject(Object obj) {
      if (roots && obj instanceof SerializedLambda lambda) {
        return withSharedCaptures(lambda, loader);
      }
      if (obj != null && functions.remove(obj)) {
        // a function that is not a lambda: its fields are its captured values
        partsOf(obj).forEach(SharedValues.this::shareIfLarge);
      }
      Shared shared = obj == null ? null : broadcasts.get(obj);
      if (shared != null) {
        return shared;
      }
      if (obj != null && isLargePrimitiveArray(obj)) {
        return share(obj, Wire.writeOrFail(obj));
      }
      return obj;
    }
  }

  /**
   * Stands for a broadcast value in a serialized batch; {@link Wire#read} puts the value back, read
   * once per executor while Spark keeps the broadcast there.
   */
  static final class Shared implements Serializable {
    private static final long serialVersionUID = 2L;

    /** The values read on this JVM, by the identity of the broadcast bytes they come from. */
    private static final Map<byte[], Object> READ = new WeakHashMap<>();

    private final Broadcast<byte[]> broadcast;

    Shared(Broadcast<byte[]> broadcast) {
      this.broadcast = broadcast;
    }

    /** The value, read from the broadcast bytes with {@code loader} on first use in this JVM. */
    Object value(ClassLoader loader) throws IOException, ClassNotFoundException {
      byte[] bytes = broadcast.value();
      synchronized (READ) {
        Object value = READ.get(bytes);
        if (value == null) {
          value = Wire.read(bytes, loader);
          READ.put(bytes, value);
        }
        return value;
      }
    }
  }
}
