package dev.joblib.internal.hash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Encodes a value canonically (type-tagged, order-independent for sets and maps, cycles as
 * back-references) and digests the encoding. The encoding is documented in docs/persistence.md;
 * changing it changes every hash, which the golden-value test catches.
 */
public final class ObjectHasher {
  // Tags are part of the stable encoding: never renumber.
  private static final int NULL = 0;
  private static final int BOOLEAN = 1;
  private static final int BYTE = 2;
  private static final int SHORT = 3;
  private static final int CHAR = 4;
  private static final int INT = 5;
  private static final int LONG = 6;
  private static final int FLOAT = 7;
  private static final int DOUBLE = 8;
  private static final int STRING = 9;
  private static final int ENUM = 10;
  private static final int BIG_INTEGER = 11;
  private static final int BIG_DECIMAL = 12;
  private static final int CLASS = 13;
  private static final int UUID_TAG = 14;
  private static final int OPTIONAL = 15;
  private static final int TIME = 16;
  private static final int PATH = 17;
  private static final int URI_TAG = 18;
  private static final int DATE = 19;
  private static final int PRIMITIVE_ARRAY = 20; // + element tag (BOOLEAN..DOUBLE)
  private static final int OBJECT_ARRAY = 30;
  private static final int LIST = 31;
  private static final int SET = 32;
  private static final int MAP = 33;
  private static final int OTHER_COLLECTION = 34;
  private static final int RECORD = 35;
  private static final int OBJECT = 36;
  private static final int BACK_REFERENCE = 37;
  private static final int LAMBDA = 38;
  private static final int SERIALIZED = 39;
  private static final int PRIMITIVE_BUFFER = 40;

  private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;
  private static final ClassValue<List<Field>> FIELDS =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          return fieldsOf(type);
        }
      };

  private final IdentityHashMap<Object, Integer> path = new IdentityHashMap<>();
  private final java.util.ArrayDeque<String> trail = new java.util.ArrayDeque<>();
  private Sink sink;

  private ObjectHasher(Sink sink) {
    this.sink = sink;
  }

  /**
   * Hashes a value.
   *
   * @param value any value the encoding supports
   * @param sha256 SHA-256 instead of XXH3-128
   * @return lowercase hex: 32 characters for XXH3-128, 64 for SHA-256
   * @throws IllegalArgumentException if the value (or something it holds) cannot be hashed
   */
  public static String hash(Object value, boolean sha256) {
    Sink sink = sha256 ? new ShaSink(256) : new XxhSink(256); // grows to BLOCK as needed
    ObjectHasher h = new ObjectHasher(sink);
    h.encode(value, "value");
    return Sink.hex(sink.finish());
  }

  private void encode(Object o, String segment) {
    trail.addLast(segment);
    try {
      encodeValue(o);
    } finally {
      trail.removeLast();
    }
  }

  private String where() {
    return String.join("", trail);
  }

  private void encodeValue(Object o) {
    if (o == null) {
      sink.putByte(NULL);
    } else if (o instanceof String s) {
      sink.putByte(STRING);
      sink.putString(s);
    } else if (!encodeScalar(o) && !encodeArray(o)) {
      Integer depth = path.get(o);
      if (depth != null) {
        sink.putByte(BACK_REFERENCE);
        sink.putInt(path.size() - depth);
        return;
      }
      path.put(o, path.size());
      try {
        encodeComposite(o);
      } finally {
        path.remove(o);
      }
    }
  }

  private boolean encodeScalar(Object o) {
    if (o instanceof Integer v) {
      sink.putByte(INT);
      sink.putInt(v);
    } else if (o instanceof Long v) {
      sink.putByte(LONG);
      sink.putLong(v);
    } else if (o instanceof Double v) {
      sink.putByte(DOUBLE);
      sink.putLong(Double.doubleToLongBits(v));
    } else if (o instanceof Float v) {
      sink.putByte(FLOAT);
      sink.putInt(Float.floatToIntBits(v));
    } else if (o instanceof Boolean v) {
      sink.putByte(BOOLEAN);
      sink.putByte(v ? 1 : 0);
    } else if (o instanceof Character v) {
      sink.putByte(CHAR);
      sink.putInt(v);
    } else if (o instanceof Byte v) {
      sink.putByte(BYTE);
      sink.putByte(v);
    } else if (o instanceof Short v) {
      sink.putByte(SHORT);
      sink.putInt(v);
    } else if (o instanceof Enum<?> e) {
      sink.putByte(ENUM);
      sink.putString(e.getDeclaringClass().getName());
      sink.putString(e.name());
    } else if (o instanceof BigInteger b) {
      sink.putByte(BIG_INTEGER);
      putBytes(b.toByteArray());
    } else if (o instanceof BigDecimal b) {
      sink.putByte(BIG_DECIMAL);
      putBytes(b.unscaledValue().toByteArray());
      sink.putInt(b.scale());
    } else if (o instanceof Class<?> c) {
      sink.putByte(CLASS);
      sink.putString(c.getName());
    } else if (o instanceof UUID u) {
      sink.putByte(UUID_TAG);
      sink.putLong(u.getMostSignificantBits());
      sink.putLong(u.getLeastSignificantBits());
    } else if (o.getClass().getName().startsWith("java.time.")) {
      // ISO-8601 text is canonical for every java.time value type (zone ids included)
      sink.putByte(TIME);
      sink.putString(o.getClass().getName());
      sink.putString(o.toString());
    } else if (o instanceof Date d) {
      sink.putByte(DATE);
      sink.putString(o.getClass().getName());
      sink.putLong(d.getTime());
    } else if (o instanceof Path p) {
      sink.putByte(PATH);
      sink.putString(p.getRoot() == null ? "" : p.getRoot().toString());
      sink.putInt(p.getNameCount());
      for (Path name : p) {
        sink.putString(name.toString());
      }
    } else if (o instanceof URI u) {
      sink.putByte(URI_TAG);
      sink.putString(u.toString());
    } else if (o instanceof java.nio.Buffer b) {
      // the remaining elements, as for an array of that type (a copy: buffers may be off-heap)
      Object array = remainingOf(b);
      int tag = primitiveTag(array.getClass().getComponentType());
      sink.putByte(PRIMITIVE_BUFFER);
      sink.putByte(tag);
      sink.putLong(java.lang.reflect.Array.getLength(array));
      sink.putElements(array, primitiveSize(tag));
    } else {
      return false;
    }
    return true;
  }

  private static Object remainingOf(java.nio.Buffer b) {
    if (b instanceof java.nio.ByteBuffer x) {
      byte[] a = new byte[x.remaining()];
      x.duplicate().get(a);
      return a;
    } else if (b instanceof java.nio.DoubleBuffer x) {
      double[] a = new double[x.remaining()];
      x.duplicate().get(a);
      return a;
    } else if (b instanceof java.nio.LongBuffer x) {
      long[] a = new long[x.remaining()];
      x.duplicate().get(a);
      return a;
    } else if (b instanceof java.nio.IntBuffer x) {
      int[] a = new int[x.remaining()];
      x.duplicate().get(a);
      return a;
    } else if (b instanceof java.nio.FloatBuffer x) {
      float[] a = new float[x.remaining()];
      x.duplicate().get(a);
      return a;
    } else if (b instanceof java.nio.ShortBuffer x) {
      short[] a = new short[x.remaining()];
      x.duplicate().get(a);
      return a;
    }
    java.nio.CharBuffer x = (java.nio.CharBuffer) b;
    char[] a = new char[x.remaining()];
    x.duplicate().get(a);
    return a;
  }

  private void putBytes(byte[] b) {
    sink.putInt(b.length);
    sink.putBytes(b, 0, b.length);
  }

  private boolean encodeArray(Object o) {
    Class<?> c = o.getClass();
    if (!c.isArray()) {
      return false;
    }
    Class<?> component = c.getComponentType();
    if (component.isPrimitive()) {
      int tag = primitiveTag(component);
      int size = primitiveSize(tag);
      sink.putByte(PRIMITIVE_ARRAY + tag);
      sink.putLong(java.lang.reflect.Array.getLength(o));
      sink.putElements(o, size);
      return true;
    }
    return false; // object arrays are composites (they may be part of a cycle)
  }

  private static int primitiveTag(Class<?> c) {
    if (c == double.class) {
      return DOUBLE;
    } else if (c == float.class) {
      return FLOAT;
    } else if (c == long.class) {
      return LONG;
    } else if (c == int.class) {
      return INT;
    } else if (c == short.class) {
      return SHORT;
    } else if (c == char.class) {
      return CHAR;
    } else if (c == byte.class) {
      return BYTE;
    }
    return BOOLEAN;
  }

  private static int primitiveSize(int tag) {
    switch (tag) {
      case DOUBLE:
      case LONG:
        return 8;
      case FLOAT:
      case INT:
        return 4;
      case SHORT:
      case CHAR:
        return 2;
      default:
        return 1;
    }
  }

  private void encodeComposite(Object o) {
    if (o instanceof Object[] a) {
      sink.putByte(OBJECT_ARRAY);
      sink.putString(a.getClass().getComponentType().getName());
      sink.putLong(a.length);
      for (int i = 0; i < a.length; i++) {
        encode(a[i], "[]");
      }
    } else if (o instanceof List<?> l) {
      sink.putByte(LIST);
      sink.putLong(l.size());
      for (Object e : l) {
        encode(e, "[]");
      }
    } else if (o instanceof Set<?> s) {
      sink.putByte(SET);
      putUnordered(s);
    } else if (o instanceof Map<?, ?> m) {
      sink.putByte(MAP);
      putUnordered(m.entrySet());
    } else if (o instanceof Map.Entry<?, ?> e) {
      encode(e.getKey(), ".key");
      encode(e.getValue(), ".value");
    } else if (o instanceof Collection<?> c) {
      sink.putByte(OTHER_COLLECTION);
      sink.putString(o.getClass().getName());
      sink.putLong(c.size());
      for (Object e : c) {
        encode(e, "[]");
      }
    } else if (o instanceof Optional<?> opt) {
      sink.putByte(OPTIONAL);
      encode(opt.orElse(null), ".get()");
      sink.putByte(opt.isPresent() ? 1 : 0);
    } else if (o instanceof OptionalInt
        || o instanceof OptionalLong
        || o instanceof OptionalDouble) {
      sink.putByte(TIME); // a value type with a canonical text form
      sink.putString(o.getClass().getName());
      sink.putString(o.toString());
    } else if (o.getClass().isRecord()) {
      encodeRecord(o);
    } else {
      encodeObject(o);
    }
  }

  /** Each element's digest, sorted: the same for any iteration order. */
  private void putUnordered(Collection<?> items) {
    List<byte[]> digests = new ArrayList<>(items.size());
    Sink parent = sink;
    try {
      for (Object item : items) {
        sink = parent.child();
        encode(item, "{}");
        digests.add(sink.finish());
      }
    } finally {
      sink = parent;
    }
    digests.sort(UNSIGNED);
    sink.putLong(digests.size());
    for (byte[] d : digests) {
      sink.putBytes(d, 0, d.length);
    }
  }

  private void encodeRecord(Object o) {
    Class<?> c = o.getClass();
    sink.putByte(RECORD);
    sink.putString(c.getName());
    RecordComponent[] components = c.getRecordComponents();
    sink.putInt(components.length);
    for (RecordComponent rc : components) {
      Object value;
      try {
        Method accessor = rc.getAccessor();
        accessor.setAccessible(true);
        value = accessor.invoke(o);
      } catch (ReflectiveOperationException | InaccessibleObjectException e) {
        throw new IllegalArgumentException(
            "cannot hash "
                + where()
                + ": component "
                + rc.getName()
                + " of record "
                + c.getName()
                + " cannot be read ("
                + e
                + ")",
            e);
      }
      sink.putString(rc.getName());
      encode(value, "." + rc.getName());
    }
  }

  private void encodeObject(Object o) {
    Class<?> c = o.getClass();
    if (!(o instanceof Serializable)) {
      throw new IllegalArgumentException(
          "cannot hash "
              + where()
              + ": "
              + c.getName()
              + " is not Serializable, a record, a collection or a supported value type");
    }
    if (c.isSynthetic() && c.getName().contains("$$Lambda")) {
      encodeLambda(o);
      return;
    }
    List<Field> fields;
    try {
      fields = FIELDS.get(c);
    } catch (InaccessibleObjectException e) {
      encodeSerialized(o);
      return;
    }
    sink.putByte(OBJECT);
    sink.putString(c.getName());
    sink.putInt(fields.size());
    for (Field f : fields) {
      sink.putString(f.getDeclaringClass().getName());
      sink.putString(f.getName());
      Object value;
      try {
        value = f.get(o);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("field " + f + " was made accessible", e);
      }
      encode(value, "." + f.getName());
    }
  }

  /** Declared and inherited instance fields, superclass first, by name within a class. */
  private static List<Field> fieldsOf(Class<?> type) {
    List<Class<?>> chain = new ArrayList<>();
    for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
      chain.add(0, k);
    }
    List<Field> out = new ArrayList<>();
    for (Class<?> k : chain) {
      Field[] declared = k.getDeclaredFields();
      Arrays.sort(declared, Comparator.comparing(Field::getName));
      for (Field f : declared) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) || Modifier.isTransient(m)) {
          continue;
        }
        f.setAccessible(true); // InaccessibleObjectException for JDK internals: caller falls back
        out.add(f);
      }
    }
    return List.copyOf(out);
  }

  /** A serializable lambda: its implementation method and captured arguments. */
  private void encodeLambda(Object o) {
    SerializedLambda l;
    try {
      Method m = o.getClass().getDeclaredMethod("writeReplace");
      m.setAccessible(true);
      l = (SerializedLambda) m.invoke(o);
    } catch (ReflectiveOperationException | RuntimeException e) {
      encodeSerialized(o);
      return;
    }
    sink.putByte(LAMBDA);
    sink.putString(l.getCapturingClass());
    sink.putString(l.getImplClass());
    sink.putString(l.getImplMethodName());
    sink.putString(l.getImplMethodSignature());
    sink.putInt(l.getCapturedArgCount());
    for (int i = 0; i < l.getCapturedArgCount(); i++) {
      encode(l.getCapturedArg(i), ".captured" + i);
    }
  }

  /** Fallback for JDK classes whose fields are closed to reflection: their Java serialization. */
  private void encodeSerialized(Object o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot hash " + where() + ": " + o.getClass().getName() + " does not serialize: " + e,
          e);
    }
    sink.putByte(SERIALIZED);
    sink.putString(o.getClass().getName());
    putBytes(bytes.toByteArray());
  }
}
