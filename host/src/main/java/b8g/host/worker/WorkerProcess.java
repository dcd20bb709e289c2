package b8g.host.worker;

import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Goodbye;
import b8g.host.worker.wire.Hello;
import b8g.host.worker.wire.Welcome;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A worker process as the host sees it: spawned, connected over a Unix domain socket in a
 * directory only this user can enter, and accepted only after it proved it is the process the
 * host started: the one-time token written to its standard input comes back in its first frame
 * ({@code Hello}), its process id matches, and the socket's peer runs as this user. Nothing is left
 * on disk once it is connected: its stderr file is unlinked as soon as it is spawned (the host
 * keeps a handle to read it), the socket file and the directory as soon as it connects. So a host
 * killed with -9 leaves nothing behind, and nobody else can connect to the socket later.
 */
public final class WorkerProcess implements AutoCloseable {
  /** The protocol version of worker.proto this build speaks. */
  public static final int VERSION = 1;
  private static final int TOKEN_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Process process;
  private final FileChannel stderr;
  private final FrameChannel link;

  private WorkerProcess(Process process, FileChannel stderr, FrameChannel link) {
    this.process = process;
    this.stderr = stderr;
    this.link = link;
  }

  /**
   * The command that starts a worker of this build: this JVM's java, its module openings
   * ({@code --add-opens}/{@code --add-exports}, which Chronicle needs), thread stack size and
   * class-data archive, and its class path with {@link WorkerMain} (or the b8g command's jar with
   * its {@code worker} command, see {@link #ENTRY_PROPERTY}).
   */
  /**
   * Set to {@value #CLI_JAR} by the b8g command when it runs from its jar: workers are then started
   * as {@code java -jar <that jar> worker}, the command's own entry for a worker.
   */
  public static final String ENTRY_PROPERTY = "b8g.worker.entry";

  public static final String CLI_JAR = "cli-jar";

  public static List<String> defaultCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The class-data archive too, when the host has one (the b8g launcher builds it): a
      // worker then maps the JDK's and the platform's classes instead of loading them.
      if (a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.startsWith("-Xss")
          || a.startsWith("-XX:SharedArchiveFile=") || a.startsWith("-Xshare:")) {
        cmd.add(a);
      }
    }
    String classPath = System.getProperty("java.class.path");
    if (CLI_JAR.equals(System.getProperty(ENTRY_PROPERTY)) && classPath.endsWith(".jar")
        && !classPath.contains(java.io.File.pathSeparator)) {
      // The b8g command's own jar: its manifest gives the module openings and the class path.
      cmd.add("-jar");
      cmd.add(classPath);
      cmd.add("worker");
    } else {
      cmd.add("-cp");
      cmd.add(classPath);
      cmd.add(WorkerMain.class.getName());
    }
    return List.copyOf(cmd);
  }

  /**
   * Spawns {@code command} with the socket's path as its last argument, waits at most
   * {@code timeout} for it to connect and say {@code Hello}, and welcomes it.
   *
   * @throws WorkerException {@code worker.start} when it could not be started or did not connect
   *     in time, {@code worker.refused} when its first frame is not a Hello with the right token
   *     and process id (or the peer is another user), and the codes of {@link FrameChannel#receive}
   *     for garbage; in each case the process is ended and its directory removed
   */
  public static WorkerProcess start(List<String> command, Duration timeout) {
    return start(command, timeout, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** As {@link #start(List, Duration)}, with the socket's private directory made under {@code parent}. */
  static WorkerProcess start(List<String> command, Duration timeout, Path parent) {
    Path dir = null;
    Process process = null;
    FileChannel stderr = null;
    try {
      dir = Files.createTempDirectory(parent, "b8g-worker-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path socket = dir.resolve("link");
      byte[] token = new byte[TOKEN_BYTES];
      RANDOM.nextBytes(token);
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(socket));
        List<String> cmd = new ArrayList<>(command);
        cmd.add(socket.toString());
        process = new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(dir.resolve("stderr").toFile())
            .start();
        // The child has it open now: the host keeps a handle of its own and the name goes.
        stderr = FileChannel.open(dir.resolve("stderr"), StandardOpenOption.READ);
        Files.delete(dir.resolve("stderr"));
        try (OutputStream in = process.getOutputStream()) {
          in.write(token);
        }
        SocketChannel channel = accept(server, timeout, process);
        Files.deleteIfExists(socket);
        Files.delete(dir);
        dir = null;
        FrameChannel link = new FrameChannel(channel, "worker " + process.pid());
        checkPeer(channel);
        Hello hello = hello(link, timeout, process);
        if (!MessageDigest.isEqual(hello.getToken().toByteArray(), token)) {
          throw new WorkerException("worker.refused", "worker " + process.pid() + " did not present the token it was given");
        }
        if (hello.getPid() != process.pid()) {
          throw new WorkerException("worker.refused", "worker " + process.pid() + " says it is process " + hello.getPid());
        }
        if (hello.getVersion() != VERSION) {
          throw new WorkerException("worker.refused", "worker " + process.pid() + " speaks protocol " + hello.getVersion() + ", this host " + VERSION);
        }
        link.send(Frame.newBuilder().setWelcome(Welcome.newBuilder().setVersion(VERSION)));
        return new WorkerProcess(process, stderr, link);
      }
    } catch (IOException e) {
      end(process, dir, stderr);
      throw new WorkerException("worker.start", "could not start a worker: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      end(process, dir, stderr);
      throw e;
    }
  }

  private static SocketChannel accept(ServerSocketChannel server, Duration timeout, Process process) throws IOException {
    server.configureBlocking(false);
    try (Selector selector = Selector.open()) {
      server.register(selector, SelectionKey.OP_ACCEPT);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (selector.select(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))) > 0) {
          SocketChannel c = server.accept();
          if (c != null) {
            c.configureBlocking(true);
            return c;
          }
        }
        if (!process.isAlive()) {
          throw new WorkerException("worker.start", "worker " + process.pid() + " ended before it connected (exit " + process.exitValue() + ")");
        }
      }
    }
    throw new WorkerException("worker.start", "worker " + process.pid() + " did not connect within " + timeout.toMillis() + " ms");
  }

  /** The peer must run as this user (SO_PEERCRED). */
  private static void checkPeer(SocketChannel channel) throws IOException {
    var peer = channel.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
    String me = System.getProperty("user.name");
    if (peer == null || !peer.user().getName().equals(me)) {
      throw new WorkerException("worker.refused", "the socket's peer runs as " + (peer == null ? "nobody known" : peer.user().getName()) + ", not " + me);
    }
  }

  /** The first frame, which must be a Hello, read within {@code timeout}. */
  private static Hello hello(FrameChannel link, Duration timeout, Process process) throws IOException {
    var timer = java.util.concurrent.CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    var timedOut = new java.util.concurrent.atomic.AtomicBoolean();
    var guard = java.util.concurrent.CompletableFuture.runAsync(() -> {
      timedOut.set(true);
      try {
        link.close(); // unblocks the read below
      } catch (IOException ignored) {
        // closed already
      }
    }, timer);
    try {
      Frame first = link.receive();
      if (first.getBodyCase() != Frame.BodyCase.HELLO) {
        throw new WorkerException("worker.refused", "worker " + process.pid() + " began with " + first.getBodyCase() + ", not HELLO");
      }
      return first.getHello();
    } catch (EOFException | java.nio.channels.ClosedChannelException e) {
      throw new WorkerException("worker.start", "worker " + process.pid() + (timedOut.get()
          ? " said nothing within " + timeout.toMillis() + " ms" : " closed the link before saying hello"), e);
    } finally {
      guard.cancel(false);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** The link to the worker, after the handshake. */
  public FrameChannel link() {
    return link;
  }

  /** The process, for supervision (exit code, whether it is alive). */
  public Process process() {
    return process;
  }

  /** Why the worker ended, for people: its exit code or signal, and the last lines it wrote to stderr. */
  public String exitReason() {
    if (process.isAlive()) {
      return "running";
    }
    int code = process.exitValue();
    String how = code > 128 ? "killed by signal " + (code - 128) : "exit " + code;
    String tail = "";
    try {
      long size = stderr.size();
      ByteBuffer last = ByteBuffer.allocate((int) Math.min(size, 4096));
      stderr.read(last, size - last.capacity());
      List<String> lines = new String(last.array(), 0, last.position(), StandardCharsets.UTF_8).lines().toList();
      tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
    } catch (IOException | RuntimeException e) {
      // no stderr left
    }
    return tail.isEmpty() ? how : how + ": " + tail;
  }

  /** Says goodbye and ends the process (forcibly after 2 s). Idempotent. */
  @Override
  public void close() {
    try {
      link.send(Frame.newBuilder().setGoodbye(Goodbye.newBuilder().setReason("host closed the worker")));
    } catch (IOException | RuntimeException e) {
      // the worker is gone already
    }
    try {
      link.close();
    } catch (IOException e) {
      // closed already
    }
    end(process, null, stderr);
  }

  private static void end(Process process, Path dir, FileChannel stderr) {
    if (stderr != null) {
      try {
        stderr.close();
      } catch (IOException e) {
        // nothing to keep
      }
    }
    if (process != null) {
      try {
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | RuntimeException e) {
        // best effort: the directory is the user's own and private
      }
    }
  }
}
