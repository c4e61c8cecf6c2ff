package dev.joblib.internal.processes;

import static dev.joblib.Joblib.delayed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.joblib.Parallel;
import dev.joblib.spi.BackendSpec;
import dev.joblib.spi.Batch;
import dev.joblib.spi.BatchOutcome;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The channel between the parent and its workers: a worker opens no socket, so nothing can connect
 * to it, and a worker started with any first frame other than the pool's token runs nothing.
 * Workers are launched here directly with {@link WorkerPool#command}, as the pool does.
 */
@Tag("reliability")
class WorkerChannelTest {
  private static final long SELF = ProcessHandle.current().pid();
  private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");

  @TempDir Path temp;

  /** The inodes of the sockets a process holds, from the links in /proc/pid/fd. */
  private static Set<Long> socketInodes(long pid) throws IOException {
    Set<Long> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          Matcher m = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
          if (m.matches()) {
            inodes.add(Long.parseLong(m.group(1)));
          }
        } catch (NoSuchFileException closedMeanwhile) {
          // an fd closed between the listing and the read is not held
        }
      }
    }
    return inodes;
  }

  /** What fds 0 and 1 of a process are ("pipe:[...]" for a worker). */
  private static String link(long pid, int fd) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd)))
        .toString();
  }

  /** A line of /proc/pid/net/unix: the socket's flags and its path (empty when unnamed). */
  private record UnixSocket(long flags, String path) {
    boolean accepts() {
      return (flags & 0x10000) != 0; // __SO_ACCEPTCON: listen() was called
    }
  }

  /** The UNIX sockets of the process's network namespace, by inode. */
  private static Map<Long, UnixSocket> unixSockets(long pid) throws IOException {
    Path table = Path.of("/proc", Long.toString(pid), "net", "unix");
    List<String> lines = Files.readAllLines(table);
    assertThat(lines.get(0)).as("header of %s", table).contains("Inode");
    Map<Long, UnixSocket> sockets = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+", 8);
      sockets.put(
          Long.parseLong(f[6]), new UnixSocket(Long.parseLong(f[3], 16), f.length > 7 ? f[7] : ""));
    }
    return sockets;
  }

  /**
   * The inodes of the IP sockets of the process's network namespace that accept connections or
   * datagrams: TCP in state LISTEN (0A), every UDP socket (bound, so reachable).
   */
  private static Set<Long> listeningIpInodes(long pid) throws IOException {
    Path net = Path.of("/proc", Long.toString(pid), "net");
    Set<Long> inodes = new HashSet<>();
    for (String name : List.of("tcp", "tcp6", "udp", "udp6")) {
      List<String> lines = Files.readAllLines(net.resolve(name));
      assertThat(lines.get(0)).as("header of %s", net.resolve(name)).contains("inode");
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (name.startsWith("udp") || f[3].equals("0A")) {
          inodes.add(Long.parseLong(f[9]));
        }
      }
    }
    return inodes;
  }

  /** The inodes, among those a process holds, of sockets something could connect or send to. */
  private static Set<Long> reachableSockets(long pid) throws IOException {
    Set<Long> held = socketInodes(pid);
    Set<Long> reachable = new HashSet<>(listeningIpInodes(pid));
    reachable.retainAll(held);
    unixSockets(pid)
        .forEach(
            (inode, socket) -> {
              if (held.contains(inode) && (socket.accepts() || !socket.path().isEmpty())) {
                reachable.add(inode);
              }
            });
    return reachable;
  }

  @Test
  void theDetectionSeesThisJvmsOwnListeningSockets() throws Exception {
    Path unixPath = temp.resolve("probe.sock");
    try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      unix.bind(UnixDomainSocketAddress.of(unixPath));
      assertThat(reachableSockets(SELF))
          .as("this JVM's TCP and UNIX listeners, found by inode")
          .hasSizeGreaterThanOrEqualTo(2);
      assertThat(unixSockets(SELF).values())
          .anyMatch(s -> s.accepts() && s.path().equals(unixPath.toString()));
    }
  }

  /**
   * A worker's only channel is its stdin and stdout pipes. The one socket a JVM holds once it has
   * used NIO (as the worker does for its status file) is the JDK's "pre-close" descriptor: one end
   * of an unnamed UNIX socketpair whose other end the JDK closed at once (sun.nio.ch dispatcher
   * init), used to dup2 over descriptors being closed. It has no address, so nothing can connect to
   * it; the test checks exactly that: no socket that listens, is bound to a path or is an IP
   * socket, and no more than that one socket.
   */
  @Test
  void aWorkerHoldsNoReachableSocketAndListensOnNothing() throws Exception {
    try (Parallel p = Parallel.create().nJobs(2).backend("processes")) {
      assertThat(p.map(List.of(1, 2, 3, 4), x -> x + 1)).containsExactly(2, 3, 4, 5);
    }
    List<Long> pids = WorkerPool.of(ProcessesOptions.from(new BackendSpec(2, Map.of(), 0))).pids();
    assertThat(pids).hasSize(2);
    for (long pid : pids) {
      Set<Long> sockets = socketInodes(pid);
      Map<Long, UnixSocket> unix = unixSockets(pid);
      assertThat(reachableSockets(pid)).as("reachable sockets of worker pid %d", pid).isEmpty();
      assertThat(sockets).as("sockets held by worker pid %d", pid).hasSizeLessThanOrEqualTo(1);
      for (long inode : sockets) {
        assertThat(unix)
            .as("socket %d of worker pid %d is a UNIX socket", inode, pid)
            .containsKey(inode);
        assertThat(unix.get(inode)).isEqualTo(new UnixSocket(0, ""));
      }
      assertThat(link(pid, 0)).as("worker stdin").startsWith("pipe:");
      assertThat(link(pid, 1)).as("worker stdout").startsWith("pipe:");
    }
  }

  /** Creates {@code file}: a task whose only effect shows whether the worker ran it. */
  private static String touch(String file) throws IOException {
    Files.createFile(Path.of(file));
    return file;
  }

  private static byte[] token() {
    byte[] token = new byte[WorkerMain.TOKEN_BYTES];
    new SecureRandom().nextBytes(token);
    return token;
  }

  private static byte[] status(byte[] token) {
    return ByteBuffer.allocate(WorkerMain.STATUS_BYTES).putInt(-1).put(token).array();
  }

  private Batch touchBatch(Path marker) {
    return new Batch(
        0,
        0,
        List.of(delayed(WorkerChannelTest::touch, marker.toString())),
        1L,
        "processes",
        "threads",
        1);
  }

  private static byte[] encode(Batch batch) throws IOException {
    Bytes.Out bytes = new Bytes.Out(256);
    CompactSerializer.INSTANCE.write(batch, bytes, null);
    return bytes.toByteArray();
  }

  private static Process launch(Path statusFile) throws IOException {
    List<String> command =
        new ArrayList<>(
            WorkerPool.command(ProcessesOptions.from(new BackendSpec(1, Map.of(), 0)).poolKey()));
    command.add(Long.toString(SELF));
    command.add(statusFile.toString());
    return new ProcessBuilder(command).start();
  }

  /** Ways a peer that is not the pool can start talking to a worker. */
  enum Intruder {
    /** a handshake with a token the worker was not given */
    WRONG_TOKEN,
    /** a batch straight away, no handshake */
    NO_HANDSHAKE,
    /** a handshake carrying nothing */
    EMPTY_TOKEN,
    /** the right token's length, all zeros, to a worker whose status file holds no token */
    NO_TOKEN_GIVEN,
    /** a handshake claiming a 1 GiB token */
    HUGE_HANDSHAKE,
    /** text, as if the worker were a server */
    TEXT
  }

  @ParameterizedTest
  @EnumSource(Intruder.class)
  void aWorkerRefusesAPeerWithoutThePoolsTokenAndRunsNothing(Intruder intruder) throws Exception {
    byte[] token = token();
    Path statusFile = temp.resolve("status");
    Files.write(
        statusFile, intruder == Intruder.NO_TOKEN_GIVEN ? new byte[Integer.BYTES] : status(token));
    Path marker = temp.resolve("ran");
    byte[] batch = encode(touchBatch(marker));
    Process worker = launch(statusFile);
    try {
      DataOutputStream in = new DataOutputStream(worker.getOutputStream());
      try {
        switch (intruder) {
          case WRONG_TOKEN -> Frames.write(in, Frames.HELLO, token());
          case NO_HANDSHAKE -> {}
          case EMPTY_TOKEN -> Frames.write(in, Frames.HELLO, new byte[0]);
          case NO_TOKEN_GIVEN -> Frames.write(in, Frames.HELLO, new byte[WorkerMain.TOKEN_BYTES]);
          case HUGE_HANDSHAKE -> {
            in.writeByte(0xB7);
            in.writeInt(1 << 30);
            in.writeByte(Frames.HELLO);
          }
          case TEXT ->
              in.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        }
        Frames.write(in, Frames.BATCH, batch);
      } catch (IOException refusedAlready) {
        // the worker may have exited before reading all of it: its exit is checked below
      }
      // stdin stays open: an accepted worker would wait for more frames, not exit
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("the worker exits by itself").isTrue();
      String stderr = new String(worker.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(worker.exitValue()).as("exit code; stderr:\n%s", stderr).isEqualTo(4);
      assertThat(stderr)
          .contains("joblib worker: refused its input")
          .contains("the pool's token")
          .contains("Nothing was run");
      assertThat(marker).as("the batch's task must not have run").doesNotExist();
      assertThat(worker.getInputStream().readAllBytes()).as("the worker's stdout").isEmpty();
    } finally {
      worker.destroyForcibly();
    }
  }

  @Test
  void aWorkerGivenThePoolsTokenRunsBatchesAndWipesTheTokenFromItsStatusFile() throws Exception {
    byte[] token = token();
    Path statusFile = temp.resolve("status");
    Files.write(statusFile, status(token));
    Path marker = temp.resolve("ran");
    Batch batch = touchBatch(marker);
    Process worker = launch(statusFile);
    try {
      DataOutputStream in = new DataOutputStream(worker.getOutputStream());
      Frames.write(in, Frames.HELLO, token);
      Frames.write(in, Frames.PROPERTIES, ForwardedProperties.encode(Map.of()));
      Frames.write(in, Frames.BATCH, encode(batch));
      DataInputStream out = new DataInputStream(worker.getInputStream());
      Frames.Frame ready = Frames.read(out);
      assertThat(ready).as("the worker's first frame").isNotNull();
      assertThat(ready.type())
          .as("a worker reports READY once it has warmed up")
          .isEqualTo(Frames.READY);
      Frames.Frame reply = Frames.read(out);
      assertThat(reply).isNotNull();
      assertThat(reply.type()).isEqualTo(Frames.OUTCOME);
      BatchOutcome outcome =
          Outcomes.decode(
              reply.payload(), batch, CompactSerializer.INSTANCE, getClass().getClassLoader());
      assertThat(outcome.succeeded()).isTrue();
      assertThat(outcome.results()).containsExactly(marker.toString());
      assertThat(marker).exists();
      byte[] after = Files.readAllBytes(statusFile);
      assertThat(Arrays.copyOfRange(after, Integer.BYTES, WorkerMain.STATUS_BYTES))
          .as("the token's bytes in the status file once the worker has started")
          .containsOnly(0);
      Frames.write(in, Frames.EXIT, new byte[0]);
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.exitValue()).isZero();
    } finally {
      worker.destroyForcibly();
    }
  }

  @Test
  void thePoolsWorkersHaveWipedTheTokenFromTheirStatusFiles() throws Exception {
    try (Parallel p = Parallel.create().nJobs(2).backend("processes")) {
      assertThat(p.map(List.of(1, 2), x -> x * 3)).containsExactly(3, 6);
    }
    WorkerPool pool = WorkerPool.of(ProcessesOptions.from(new BackendSpec(2, Map.of(), 0)));
    try (Stream<Path> files = Files.list(pool.statusFolder())) {
      List<Path> mine =
          files
              .filter(f -> f.getFileName().toString().startsWith("worker-" + pool.number() + "-"))
              .toList();
      assertThat(mine).hasSizeGreaterThanOrEqualTo(2);
      for (Path file : mine) {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes).hasSize(WorkerMain.STATUS_BYTES);
        assertThat(Arrays.copyOfRange(bytes, Integer.BYTES, bytes.length))
            .as("token bytes left in %s", file)
            .containsOnly(0);
      }
    }
  }
}
