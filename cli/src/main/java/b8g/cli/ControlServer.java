package b8g.cli;

import b8g.errors.B8gException;
import b8g.host.Host;
import b8g.host.ImageWriter;
import b8g.snapshots.Snapshots;
import com.google.gson.Gson;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * A running host's control socket ({@code <dir>/<pid>.sock}, see {@link ControlSocket}): accepts
 * one {@link ControlRequest} per connection, answers it and closes. Connections are served one at
 * a time (a snapshot pauses the whole host anyway), each with a deadline of {@value
 * #DEADLINE_SECONDS} s to send its request, so a client that says nothing holds the socket only
 * that long. The peer must be this user ({@code SO_PEERCRED}), on top of the directory's 0700.
 *
 * <p>Owns the socket file: {@link #close()} removes it. Thread-safe.
 */
final class ControlServer implements AutoCloseable {
  static final int DEADLINE_SECONDS = 5;
  /** Sockets held by hosts of this process (a second host here must not take the first one's). */
  private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

  private final Host host;
  private final boolean snapshots;
  private final Path socket;
  private final UserPrincipal owner;
  private final ServerSocketChannel server;
  private final ScheduledExecutorService deadlines;
  private final Thread acceptor;

  private ControlServer(Host host, boolean snapshots, Path dir) throws IOException {
    this.host = host;
    this.snapshots = snapshots;
    this.socket = ControlSocket.socketOf(dir, ProcessHandle.current().pid());
    this.owner = Files.getOwner(dir);
    if (!OPEN.add(socket)) {
      throw new B8gException(B8gException.Category.USAGE, "control.busy", "another host in this process already serves " + socket);
    }
    ServerSocketChannel s = null;
    try {
      // Left by an earlier process that had this pid and did not exit cleanly.
      Files.deleteIfExists(socket);
      s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      s.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      OPEN.remove(socket);
      if (s != null) {
        s.close();
        Files.deleteIfExists(socket);
      }
      throw e;
    }
    this.server = s;
    this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "b8g-control-deadline");
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::serve, "b8g-control");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Opens the control socket of {@code host} in the checked directory {@code dir} (created when
   * missing). {@code snapshots}: whether the host was started snapshottable (reported by status).
   *
   * @throws B8gException the directory is not safe ({@code control.directory}) or the socket
   *     cannot be bound ({@code control.socket})
   */
  static ControlServer open(Host host, boolean snapshots, Path dir) {
    Path checked = ControlSocket.directory(dir, true);
    try {
      return new ControlServer(host, snapshots, checked);
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "control.socket", "cannot open the control socket in " + dir + ": " + e.getMessage(), e);
    }
  }

  Path socket() {
    return socket;
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel ch = server.accept()) {
        ScheduledFuture<?> deadline = deadlines.schedule(() -> quietlyClose(ch), DEADLINE_SECONDS, TimeUnit.SECONDS);
        try {
          handle(ch);
        } finally {
          deadline.cancel(false);
        }
      } catch (IOException | RuntimeException e) {
        // One bad connection (or a client past its deadline) must not stop the server; close does.
      }
    }
  }

  private void handle(SocketChannel ch) throws IOException {
    Map<String, Object> reply;
    try {
      UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (!peer.user().getName().equals(owner.getName())) {
        throw new B8gException(B8gException.Category.CAPABILITY, "control.peer", "only " + owner.getName() + " may control this host");
      }
      byte[] buf = new byte[ControlRequest.MAX_BYTES + 1];
      int n = readRequest(ch, buf);
      reply = execute(ControlRequest.parse(buf, n));
    } catch (B8gException e) {
      reply = error(e.category().name(), e.code(), e.getMessage());
    } catch (IOException e) {
      if (!ch.isOpen()) {
        return; // deadline passed: nobody to answer
      }
      reply = error(B8gException.Category.IO.name(), "control.io", String.valueOf(e.getMessage()));
    } catch (RuntimeException e) {
      reply = error(B8gException.Category.INTERNAL.name(), "control.internal", e.toString());
    }
    ByteBuffer out = ByteBuffer.wrap((new Gson().toJson(reply) + "\n").getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining() && ch.write(out) >= 0) {
      // A blocking write; the deadline closes the channel if the client never reads.
    }
  }

  /** Reads until '\n', EOF or one byte more than allowed (then the parser says it is too long). */
  private static int readRequest(SocketChannel ch, byte[] buf) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buf);
    while (b.hasRemaining()) {
      int before = b.position();
      if (ch.read(b) < 0) {
        break;
      }
      for (int i = before; i < b.position(); i++) {
        if (buf[i] == '\n') {
          return i + 1;
        }
      }
    }
    return b.position();
  }

  private Map<String, Object> execute(ControlRequest r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", true);
    switch (r.op()) {
      case "status" -> {
        out.put("pid", ProcessHandle.current().pid());
        out.put("manifest", host.manifest().file() == null ? "" : host.manifest().file().toAbsolutePath().toString());
        out.put("components", Snapshots.running(host));
        out.put("snapshots", snapshots);
      }
      case "snapshot" -> {
        Snapshots.ImageSummary s = Snapshots.write(host, r.path(), ImageWriter.TIMEOUT, r.all() ? null : Set.of(r.component()));
        out.put("file", s.file().toString());
        out.put("components", s.components());
        try {
          out.put("bytes", Files.size(s.file()));
        } catch (IOException e) {
          out.put("bytes", -1);
        }
        out.put("pausedMicros", s.pausedMicros());
        out.put("writeMicros", s.writeMicros());
      }
      default -> throw new IllegalStateException("validated request with op " + r.op());
    }
    return out;
  }

  static Map<String, Object> error(String category, String code, String message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", false);
    out.put("category", category);
    out.put("code", code);
    out.put("message", message);
    return out;
  }

  private static void quietlyClose(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // closing for a deadline: nothing more to do
    }
  }

  /** Stops accepting, removes the socket file. Idempotent. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    deadlines.shutdownNow();
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // a stale socket is skipped by clients (its pid is gone) and replaced by the next owner
    }
    OPEN.remove(socket);
  }
}
