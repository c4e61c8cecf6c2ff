package dev.joblib.internal.processes;

import dev.joblib.Fn1;
import dev.joblib.Task;
import dev.joblib.spi.Batch;
import dev.joblib.spi.Nesting;
import dev.joblib.spi.Tasks;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The default {@link Serializer}: batches and result arrays are written as columns, with the common
 * boxed values (Integer, Long, Double, Boolean, short Strings, null) inline and each distinct
 * function or other object once, in one Java-serialized table at the end (so the memmapping hook
 * and shared references work as with plain Java serialization). Anything else is plain Java
 * serialization. This removes most of the per-task cost of serializing many tiny tasks.
 */
final class CompactSerializer implements Serializer {
  static final CompactSerializer INSTANCE = new CompactSerializer();

  private static final byte JAVA = 0;
  private static final byte BATCH = 1;
  private static final byte ARRAY = 2;

  private static final byte NULL = 0;
  private static final byte INT = 1;
  private static final byte LONG = 2;
  private static final byte DOUBLE = 3;
  private static final byte TRUE = 4;
  private static final byte FALSE = 5;
  private static final byte STRING = 6;
  private static final byte TABLE = 7;
  private static final int MAX_INLINE_STRING = 16_000;

  private CompactSerializer() {}

  @Override
  public void write(Object value, OutputStream out, UnaryOperator<Object> replace)
      throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    if (value instanceof Batch batch) {
      data.writeByte(BATCH);
      writeBatch(batch, data, replace);
    } else if (value != null && value.getClass() == Object[].class) {
      data.writeByte(ARRAY);
      Table table = new Table();
      Object[] values = (Object[]) value;
      data.writeInt(values.length);
      for (Object v : values) {
        writeValue(v, data, table);
      }
      table.write(data, replace);
    } else {
      data.writeByte(JAVA);
      data.flush();
      JavaSerializer.INSTANCE.write(value, out, replace);
      return;
    }
    data.flush();
  }

  @Override
  public Object read(InputStream in, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    DataInputStream data = new DataInputStream(in);
    byte kind = data.readByte();
    switch (kind) {
      case JAVA:
        return JavaSerializer.INSTANCE.read(in, loader);
      case BATCH:
        return readBatch(data, loader);
      case ARRAY:
        Object[] values = new Object[data.readInt()];
        readColumn(data, values, loader);
        return values;
      default:
        throw new StreamCorruptedException("unknown encoding " + kind);
    }
  }

  private static void writeBatch(Batch batch, DataOutputStream out, UnaryOperator<Object> replace)
      throws IOException {
    out.writeInt(batch.sequence());
    out.writeInt(batch.firstIndex());
    out.writeLong(batch.seed());
    out.writeUTF(batch.backendId());
    Nesting nesting = batch.nesting();
    out.writeUTF(nesting.backend());
    out.writeInt(nesting.level());
    out.writeInt(nesting.depth());
    out.writeInt(nesting.innerMaxNumThreads());
    Table table = new Table();
    if (batch.callsFunction() != null) {
      // Parallel.map: the function once, then the arguments alone
      out.writeInt(-batch.size());
      out.writeInt(table.add(batch.callsFunction()));
      for (int i = 0; i < batch.size(); i++) {
        writeValue(batch.argument(i), out, table);
      }
      table.write(out, replace);
      return;
    }
    List<Task<?>> tasks = batch.tasks();
    out.writeInt(tasks.size());
    for (Task<?> task : tasks) {
      List<Object> args = task.args();
      out.writeByte(args.size());
      out.writeInt(table.add(task.function()));
      for (Object arg : args) {
        writeValue(arg, out, table);
      }
    }
    table.write(out, replace);
  }

  private static Batch readBatch(DataInputStream in, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    int sequence = in.readInt();
    int firstIndex = in.readInt();
    long seed = in.readLong();
    String backendId = in.readUTF();
    Nesting nesting = new Nesting(in.readUTF(), in.readInt(), in.readInt(), in.readInt());
    int size = in.readInt();
    if (size < 0) {
      return readCalls(in, loader, sequence, firstIndex, seed, backendId, nesting, -size);
    }
    int[] arities = new int[size];
    int[] functions = new int[size];
    List<Object[]> argsOf = new ArrayList<>(size);
    List<int[]> refsOf = new ArrayList<>(size);
    for (int t = 0; t < size; t++) {
      arities[t] = in.readByte();
      functions[t] = in.readInt();
      Object[] args = new Object[arities[t]];
      int[] refs = new int[arities[t]];
      for (int i = 0; i < args.length; i++) {
        refs[i] = -1;
        args[i] = readValue(in, refs, i);
      }
      argsOf.add(args);
      refsOf.add(refs);
    }
    Object[] table = Table.read(in, loader);
    List<Task<?>> tasks = new ArrayList<>(size);
    for (int t = 0; t < size; t++) {
      Object[] args = argsOf.get(t);
      int[] refs = refsOf.get(t);
      for (int i = 0; i < args.length; i++) {
        if (refs[i] >= 0) {
          args[i] = table[refs[i]];
        }
      }
      tasks.add(task(table[functions[t]], args));
    }
    return new Batch(sequence, firstIndex, tasks, seed, backendId, nesting);
  }

  /** The rest of a batch that {@link #writeBatch} wrote as calls of one function. */
  private static Batch readCalls(
      DataInputStream in,
      ClassLoader loader,
      int sequence,
      int firstIndex,
      long seed,
      String backendId,
      Nesting nesting,
      int size)
      throws IOException, ClassNotFoundException {
    int function = in.readInt();
    Object[] args = new Object[size];
    Object[] table = readColumn(in, args, loader);
    if (function < 0 || function >= table.length || !(table[function] instanceof Fn1<?, ?> fn)) {
      throw new StreamCorruptedException("a batch of calls does not name a one-argument function");
    }
    return Batch.ofCalls(sequence, firstIndex, fn, args, seed, backendId, nesting);
  }

  /**
   * Reads {@code values.length} values, then the table they refer to, into {@code values}.
   *
   * @return the table
   */
  private static Object[] readColumn(DataInputStream in, Object[] values, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    int[] refs = new int[values.length];
    boolean anyRef = false;
    for (int i = 0; i < values.length; i++) {
      refs[i] = -1;
      values[i] = readValue(in, refs, i);
      anyRef |= refs[i] >= 0;
    }
    Object[] table = Table.read(in, loader);
    if (anyRef) {
      for (int i = 0; i < values.length; i++) {
        if (refs[i] >= 0) {
          values[i] = table[refs[i]];
        }
      }
    }
    return table;
  }

  private static Task<?> task(Object function, Object[] a) throws StreamCorruptedException {
    try {
      return Tasks.of((Serializable) function, a);
    } catch (IllegalArgumentException | ClassCastException e) {
      StreamCorruptedException corrupted =
          new StreamCorruptedException("a task's function or arguments do not match: " + e);
      corrupted.initCause(e);
      throw corrupted;
    }
  }

  private static void writeValue(Object v, DataOutputStream out, Table table) throws IOException {
    if (v == null) {
      out.writeByte(NULL);
    } else if (v.getClass() == Integer.class) {
      out.writeByte(INT);
      out.writeInt((Integer) v);
    } else if (v.getClass() == Long.class) {
      out.writeByte(LONG);
      out.writeLong((Long) v);
    } else if (v.getClass() == Double.class) {
      out.writeByte(DOUBLE);
      out.writeDouble((Double) v);
    } else if (v.getClass() == Boolean.class) {
      out.writeByte((Boolean) v ? TRUE : FALSE);
    } else if (v.getClass() == String.class && ((String) v).length() <= MAX_INLINE_STRING) {
      out.writeByte(STRING);
      out.writeUTF((String) v);
    } else {
      out.writeByte(TABLE);
      out.writeInt(table.add(v));
    }
  }

  /** Reads one value; a table reference is recorded in {@code refs[slot]} and null returned. */
  private static Object readValue(DataInputStream in, int[] refs, int slot) throws IOException {
    byte tag = in.readByte();
    switch (tag) {
      case NULL:
        return null;
      case INT:
        return in.readInt();
      case LONG:
        return in.readLong();
      case DOUBLE:
        return in.readDouble();
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case STRING:
        return in.readUTF();
      case TABLE:
        refs[slot] = in.readInt();
        return null;
      default:
        throw new StreamCorruptedException("unknown value tag " + tag);
    }
  }

  /** Distinct objects (by identity), Java-serialized together once. */
  private static final class Table {
    private final Map<Object, Integer> index = new IdentityHashMap<>();
    private final List<Object> objects = new ArrayList<>();

    int add(Object value) {
      Integer i = index.get(value);
      if (i == null) {
        i = objects.size();
        index.put(value, i);
        objects.add(value);
      }
      return i;
    }

    void write(DataOutputStream out, UnaryOperator<Object> replace) throws IOException {
      out.writeInt(objects.size());
      if (!objects.isEmpty()) {
        out.flush();
        JavaSerializer.INSTANCE.write(objects.toArray(), new NoClose(out), replace);
      }
    }

    static Object[] read(DataInputStream in, ClassLoader loader)
        throws IOException, ClassNotFoundException {
      int count = in.readInt();
      if (count == 0) {
        return new Object[0];
      }
      Object[] table = (Object[]) JavaSerializer.INSTANCE.read(new NoCloseIn(in), loader);
      if (table.length != count) {
        throw new StreamCorruptedException("expected " + count + " objects, got " + table.length);
      }
      return table;
    }
  }

  /** Keeps the underlying stream open when the object stream closes. */
  private static final class NoClose extends java.io.FilterOutputStream {
    NoClose(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  private static final class NoCloseIn extends java.io.FilterInputStream {
    NoCloseIn(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the caller owns the stream
    }
  }
}
