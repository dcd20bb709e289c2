package b8g.host.net;

import b8g.capabilities.Capability;
import b8g.capabilities.Right;
import b8g.host.io.Pump;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One socket (or one response body) a component holds as channel ends: an inbound ring (the
 * socket's bytes, the component reads) and, for a socket, an outbound ring (the component writes,
 * the socket sends), each served by an io {@link Pump}.
 *
 * <ul>
 *   <li>The peer's FIN: the inbound pump writes END; the component's reader sees end of stream.
 *   <li>A reset: the inbound pump's read fails; the reader sees {@code channel.broken} after every
 *       byte received before it; the writer's next write fails with {@code channel.broken}.
 *   <li>The component closes its writer: the outbound pump reads END and shuts the socket's output
 *       down (FIN); reading goes on.
 * </ul>
 * The socket closes when both directions are done or on {@link #close}. The rings' memory is freed
 * only by {@link #free}, which the caller runs once no JS view of it can remain (the component
 * ended, or its stubs were revoked in an earlier turn). Thread-safe.
 */
final class Connection {
  /** Ring capacity per direction: 64 KiB (records up to 32 KiB), 129 KiB a connection. */
  static final int RING_CAPACITY = 64 * 1024;

  final long id;
  private final String label;
  /** The socket of a connection; null for a response body. */
  private final SocketChannel socket;
  private final ReadableByteChannel source;
  /** What to close when the connection closes: the socket, or the socket a body is read from. */
  private final Closeable closer;
  private final Region inRegion;
  private final Region outRegion;
  private final Ring in;
  private final Ring out;
  private final Capability reader;
  private final Capability writer;
  private Pump inbound;
  private Pump outbound;
  /** Directions still open (2 for a socket, 1 for a body); the socket closes at 0. */
  private final AtomicInteger open;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean freed = new AtomicBoolean();

  /**
   * A connection over {@code socket} (blocking mode), or a response body read from {@code body}
   * (then {@code socket} is what to close with it, and there is no outbound ring).
   */
  private Connection(long id, String label, SocketChannel socket, ReadableByteChannel body, Closeable closer) {
    this.id = id;
    this.label = label;
    this.socket = socket;
    this.source = body != null ? body : socket;
    this.closer = closer;
    long size = RingDescriptor.totalLength(RING_CAPACITY);
    this.inRegion = Region.anonymous("net-" + id + "-in", size);
    this.in = Ring.create(inRegion);
    this.reader = Capability.root(Capability.Kind.CHANNEL_READER, in, EnumSet.of(Right.READ));
    if (body == null) {
      Region second;
      try {
        second = Region.anonymous("net-" + id + "-out", size);
      } catch (RuntimeException e) {
        inRegion.close(); // no pump has seen it yet
        throw e;
      }
      this.outRegion = second;
      this.out = Ring.create(outRegion);
      this.writer = Capability.root(Capability.Kind.CHANNEL_WRITER, out, EnumSet.of(Right.WRITE));
      this.open = new AtomicInteger(2);
    } else {
      this.outRegion = null;
      this.out = null;
      this.writer = null;
      this.open = new AtomicInteger(1);
    }
  }

  /** A connected socket as a reader and a writer end; its pumps start at once. */
  static Connection socket(long id, String label, SocketChannel socket) {
    Connection c = new Connection(id, label, socket, null, socket);
    c.start();
    return c;
  }

  /** A response body as a reader end, read from {@code body}; {@code closer} closes what it reads. */
  static Connection body(long id, String label, ReadableByteChannel body, Closeable closer) {
    Connection c = new Connection(id, label, null, body, closer);
    c.start();
    return c;
  }

  private void start() {
    // Neither pump closes the socket itself: each closes its own direction (its descriptor is a
    // view that shuts one side down), and the last one closes the socket.
    inbound = Pump.inbound(label + "-in", new Direction(true), in, Pump.DEFAULT_CHUNK, true);
    if (out != null) {
      outbound = Pump.outbound(label + "-out", out, new Direction(false), null, true);
    }
  }

  /** The component's ends: {@code reader} and, for a socket, {@code writer}. */
  Map<String, Capability> ends() {
    Map<String, Capability> m = new LinkedHashMap<>();
    m.put("reader", reader.derive());
    if (writer != null) {
      m.put("writer", writer.derive());
    }
    return m;
  }

  /**
   * Closes the socket now: both pumps stop (what the component wrote and the pump has not sent
   * stays unsent), the component's reader sees {@code channel.broken} after what it has, its
   * writer's next write fails. Idempotent; does not free the memory.
   */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeSocket();
    if (inbound != null) {
      inbound.close();
    }
    if (outbound != null) {
      outbound.close();
    }
  }

  /**
   * The component has ended: what it wrote is sent (up to {@code linger}), then the socket closes.
   * Blocks up to {@code linger}.
   */
  void finish(Duration linger) {
    if (outbound != null && !closed.get()) {
      try {
        outbound.finish(linger);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
  }

  /** Revokes the component's ends (their stubs stop working); the memory stays until {@link #free}. */
  void revokeEnds() {
    reader.revoke();
    if (writer != null) {
      writer.revoke();
    }
  }

  /**
   * Frees the rings' memory. Only once no JS view of it can remain. Idempotent. The memory is
   * freed only once both pumps' threads are known to have ended: a pump still alive after its stop
   * (its thread did not end within the wait, or the caller was interrupted while waiting) could
   * still touch the ring, so its memory is left unreleased on purpose (a leak, not a crash; the pump is
   * a daemon thread that ends at its next record; its socket is closed already).
   */
  void free() {
    if (!freed.compareAndSet(false, true)) {
      return;
    }
    close();
    if (inbound != null && inbound.isAlive() || outbound != null && outbound.isAlive()) {
      return;
    }
    inRegion.close();
    if (outRegion != null) {
      outRegion.close();
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  private void directionDone() {
    if (open.decrementAndGet() == 0) {
      closed.set(true);
      closeSocket();
    }
  }

  private void closeSocket() {
    try {
      closer.close();
    } catch (IOException e) {
      // Nothing more to release.
    }
  }

  /**
   * One direction of the socket as the descriptor a pump serves: reading (inbound) or writing
   * (outbound). Its close shuts only that direction down: a pump that saw END on the outbound ring
   * sends FIN and reading goes on.
   */
  private final class Direction implements ReadableByteChannel, WritableByteChannel {
    private final boolean reading;
    private final AtomicBoolean done = new AtomicBoolean();

    Direction(boolean reading) {
      this.reading = reading;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return source.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return socket.write(src);
    }

    @Override
    public boolean isOpen() {
      return !done.get() && source.isOpen();
    }

    @Override
    public void close() {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      try {
        if (socket != null && socket.isOpen()) {
          if (reading) {
            socket.shutdownInput();
          } else {
            socket.shutdownOutput();
          }
        }
      } catch (IOException e) {
        // A socket already reset: the last direction closes it below.
      }
      directionDone();
    }
  }
}
