package dev.joblib.internal.processes;

import dev.joblib.Fn1;
import dev.joblib.Joblib;
import dev.joblib.JoblibException;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;

/**
 * The main class of a worker JVM. It reads batches from stdin, runs each with {@link Batch#run},
 * and writes the outcome to stdout; {@code System.out} is redirected to stderr, which the parent
 * forwards. The worker exits at the end of stdin, on an exit frame, or when its parent dies. While
 * a batch runs, the index of the running task is kept in a small status file, so the parent can
 * name it if the worker dies.
 *
 * <p>The worker opens no socket: stdin and stdout, pipes its parent created, are its only channel.
 * Before reading any batch it checks that the first frame is a {@link Frames#HELLO} carrying the
 * pool's token, a random 32-byte value the parent also wrote, after the running-task index, into
 * the status file (owner-only, in an owner-only folder; the token is not on the command line or in
 * the environment). The worker reads the token from the file and overwrites it with zeros at once.
 * Any other first frame (missing, of another type, another token, unreadable) makes the worker
 * print why to stderr and exit with {@value #EXIT_REFUSED}, having run nothing. The status file is
 * opened without following a symbolic link: one swapped in for it makes the worker refuse to start
 * instead of writing to the link's target.
 *
 * <p>The second frame is {@link Frames#PROPERTIES}: the system properties the pool forwards, set
 * here before anything else runs. They do not go on the command line, which other local users can
 * read.
 */
public final class WorkerMain {
  /** How often the worker checks that its parent is still alive. */
  private static final long PARENT_POLL_MILLIS = 250;

  /** The length of a pool's token. */
  static final int TOKEN_BYTES = 32;

  /** The length of a status file as the parent writes it: the running-task index, the token. */
  static final int STATUS_BYTES = Integer.BYTES + TOKEN_BYTES;

  /** The exit code of a worker whose first frame does not carry the pool's token. */
  static final int EXIT_REFUSED = 4;

  private WorkerMain() {}

  /**
   * Runs the worker.
   *
   * @param args the parent's pid and the path of the status file
   */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: WorkerMain <parent pid> <status file>");
      System.exit(2);
    }
    long parentPid = Long.parseLong(args[0]);
    OutputStream frames = new FileOutputStream(FileDescriptor.out);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    watchParent(parentPid);
    MappedByteBuffer status = null;
    byte[] token = null;
    String refusal = null;
    try (FileChannel channel =
        FileChannel.open(
            Path.of(args[1]),
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      token = takeToken(channel);
      status = channel.map(FileChannel.MapMode.READ_WRITE, 0, Integer.BYTES);
    } catch (IOException e) {
      refusal = "it cannot open its status file " + args[1] + " (a symbolic link is refused): " + e;
    }
    DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
    if (refusal == null && token == null) {
      refusal = "its status file " + args[1] + " holds no token";
    }
    if (refusal == null) {
      refusal = handshake(in, token);
    }
    if (refusal == null) {
      refusal = receiveProperties(in);
    }
    if (refusal != null) {
      System.err.println(
          "joblib worker: refused its input, "
              + refusal
              + ": a worker runs batches only from the pool that started it, whose first frame"
              + " carries the pool's token. Nothing was run.");
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_REFUSED);
    }
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(frames, 1 << 16));
    Serializer serializer = CompactSerializer.INSTANCE;
    ClassLoader loader = WorkerMain.class.getClassLoader();
    warmUp(serializer, loader);
    try {
      Frames.write(out, Frames.READY, new byte[0]);
    } catch (IOException e) {
      Runtime.getRuntime().halt(0); // the parent is gone
    }
    while (true) {
      Frames.Frame frame;
      try {
        frame = Frames.read(in);
      } catch (IOException e) {
        frame = null;
      }
      if (frame == null || frame.type() == Frames.EXIT) {
        System.out.flush();
        Runtime.getRuntime().halt(0); // nothing to clean up; user shutdown hooks would only stall
      }
      byte[] reply = runBatch(frame.payload(), serializer, loader, status);
      try {
        Frames.write(out, Frames.OUTCOME, reply);
      } catch (IOException e) {
        Runtime.getRuntime().halt(0); // the parent is gone
      }
    }
  }

  /**
   * Sends a one-task batch through the whole path (decode, run, encode) before the worker reports
   * ready, so that loading those classes is the worker's start-up and not the first batch's run
   * time, which a call's timeout counts.
   */
  private static void warmUp(Serializer serializer, ClassLoader loader) {
    try {
      Fn1<Integer, Integer> next = x -> x + 1;
      Batch batch = new Batch(0, 0, List.of(Joblib.delayed(next, 1)), 0, "processes", "threads", 1);
      Bytes.Out bytes = new Bytes.Out(256);
      serializer.write(batch, bytes, null);
      Batch back = (Batch) serializer.read(new Bytes.In(bytes.toByteArray()), loader);
      BatchOutcome outcome = back.run();
      Outcomes.success(serializer, outcome.results().toArray(), outcome.runNanos());
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      // a warm-up only: the first real batch reports whatever is broken, with its task index
      System.err.println("joblib worker: warm-up failed (the first batch will tell): " + e);
    }
  }

  /** Reads the token after the status index and overwrites it with zeros; null if absent. */
  private static byte[] takeToken(FileChannel channel) throws IOException {
    ByteBuffer token = ByteBuffer.allocate(TOKEN_BYTES);
    while (token.hasRemaining() && channel.read(token, Integer.BYTES + token.position()) > 0) {
      // read on until the token is complete or the file ends
    }
    if (token.hasRemaining()) {
      return null;
    }
    channel.write(ByteBuffer.allocate(TOKEN_BYTES), Integer.BYTES);
    return token.array();
  }

  /** Null if the first frame carries {@code token}, else why not. */
  private static String handshake(DataInputStream in, byte[] token) {
    Frames.Frame first;
    try {
      first = Frames.read(in, TOKEN_BYTES);
    } catch (IOException e) {
      return "its first frame is not a handshake (" + e.getMessage() + ")";
    }
    if (first == null) {
      return "its input ended before the handshake";
    }
    if (first.type() != Frames.HELLO) {
      return "its first frame is of type " + first.type() + ", not the handshake";
    }
    if (!MessageDigest.isEqual(first.payload(), token)) {
      return "its first frame carries a token of "
          + first.payload().length
          + " bytes that is not the pool's";
    }
    return null;
  }

  /** Reads the second frame and sets the forwarded system properties; null, else why not. */
  private static String receiveProperties(DataInputStream in) {
    try {
      Frames.Frame frame = Frames.read(in);
      if (frame == null || frame.type() != Frames.PROPERTIES) {
        return "its second frame is "
            + (frame == null ? "missing" : "of type " + frame.type())
            + ", not the forwarded properties";
      }
      ForwardedProperties.apply(ForwardedProperties.decode(frame.payload()));
      return null;
    } catch (IOException e) {
      return "its forwarded properties are unreadable (" + e.getMessage() + ")";
    }
  }

  private static byte[] runBatch(
      byte[] payload, Serializer serializer, ClassLoader loader, MappedByteBuffer status) {
    status.putInt(0, -1);
    Batch batch;
    try {
      batch = (Batch) serializer.read(new Bytes.In(payload), loader);
    } catch (ClassNotFoundException | IOException | RuntimeException | LinkageError e) {
      return Outcomes.failure(
          serializer,
          -1,
          new JoblibException("the worker cannot read the batch it was sent: " + e, e));
    }
    BatchOutcome outcome = batch.run(index -> status.putInt(0, index));
    if (!outcome.succeeded()) {
      return Outcomes.failure(serializer, outcome.failedIndex(), outcome.failure());
    }
    Object[] results = outcome.results().toArray();
    try {
      return Outcomes.success(serializer, results, outcome.runNanos());
    } catch (IOException | RuntimeException e) {
      return Outcomes.failure(serializer, unsendable(results, batch, serializer), sendFailure(e));
    }
  }

  /** The index of the first task whose result does not serialize. */
  private static int unsendable(Object[] results, Batch batch, Serializer serializer) {
    for (int i = 0; i < results.length; i++) {
      try {
        serializer.write(results[i], OutputStream.nullOutputStream(), null);
      } catch (IOException | RuntimeException e) {
        return batch.firstIndex() + i;
      }
    }
    return batch.firstIndex();
  }

  private static Throwable sendFailure(Exception e) {
    return new JoblibException(
        "the task's result cannot be sent back to the caller (it must be Serializable): " + e, e);
  }

  private static void watchParent(long parentPid) {
    Thread watcher =
        new Thread(
            () -> {
              ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
              while (parent != null && parent.isAlive()) {
                try {
                  Thread.sleep(PARENT_POLL_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
              Runtime.getRuntime().halt(3);
            },
            "joblib-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
