package b8g.host.net;

import b8g.capabilities.Capability;
import b8g.capabilities.CapabilityException;
import b8g.components.Component;
import b8g.errors.B8gException;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The NET capability's operations for in-process components: connect, listen, accept, close and
 * fetch. Each runs off the component's thread (name resolution, connecting and reading a response
 * head block) and answers through {@link Component#settle} in a later turn.
 *
 * <p>What a component holds here ({@link Owner}): its connections (sockets and response bodies,
 * each two rings and pumps, see {@link Connection}), its listeners and its pending operations.
 * Revoking the NET capability (the host's {@code revoke}, or the component's end, which revokes
 * all it held) revokes every connection and listener made through it: listeners close, sockets
 * send what the component wrote and close. {@link #release}, at the end, frees the memory. A component may
 * have at most {@link #MAX_PENDING} operations pending and {@link #MAX_OPEN} connections and
 * listeners open ({@code net.busy} beyond).
 *
 * <p>Thread-safe.
 */
public final class NetService implements AutoCloseable {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final int MAX_PENDING = 256;
  static final int MAX_OPEN = 1024;
  /** How long a component's end waits for what it wrote to be sent before the socket closes. */
  private static final Duration LINGER = Duration.ofSeconds(2);

  private final Duration timeout;
  private final ExecutorService exec = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "b8g-net");
    t.setDaemon(true);
    return t;
  });
  private final Map<Component, Owner> owners = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean closed;

  /** @param timeout how long connecting, and a response's head, may take */
  public NetService(Duration timeout) {
    this.timeout = timeout;
  }

  /** What one component holds here. */
  private final class Owner {
    final Component component;
    final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    final Map<Long, ServerSocketChannel> listeners = new ConcurrentHashMap<>();
    /** Connection or listener id -> the NET capability it was made through. */
    final Map<Long, Capability> madeThrough = new ConcurrentHashMap<>();
    final Set<Capability> watched = ConcurrentHashMap.newKeySet();
    /**
     * Sockets of operations in flight (connecting, or waiting for a response's head), with the NET
     * capability they run under: closed when it is revoked or the component ends.
     */
    final Map<Closeable, InFlight> inFlight = new ConcurrentHashMap<>();
    /** Requests pending (submitted, not yet answered), and those of them the component cancelled. */
    final Set<Long> pendingIds = ConcurrentHashMap.newKeySet();
    final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    /** Closed connections whose memory waits for the turns that detach their views. */
    final Set<Connection> retiring = ConcurrentHashMap.newKeySet();
    int pending;
    /** Set once, under this object's lock; read without it where a late look only costs a close. */
    volatile boolean ended;

    Owner(Component component) {
      this.component = component;
    }

    synchronized void begin() {
      if (ended) {
        throw new CapabilityException("capability.revoked", "the component has ended");
      }
      if (pending >= MAX_PENDING) {
        throw new CapabilityException("net.busy", "more than " + MAX_PENDING + " network operations are pending; await some first");
      }
      // Connections whose socket has closed (a body read to its end, a peer gone) do not count as
      // open, but still hold their rings until the component releases them: at most twice as many.
      int open = listeners.size();
      for (Connection conn : connections.values()) {
        open += conn.isClosed() ? 0 : 1;
      }
      if (open >= MAX_OPEN || connections.size() + listeners.size() >= 2 * MAX_OPEN) {
        throw new CapabilityException("net.busy", MAX_OPEN + " connections and listeners are open (or " + 2 * MAX_OPEN
            + " not yet closed by the component); close some first");
      }
      pending++;
    }

    synchronized void end() {
      pending--;
    }

    /**
     * Keeps {@code c} made through {@code net}; once the component ended or {@code net} was
     * revoked, frees {@code c} and fails with {@code capability.revoked} (the request is answered so).
     */
    void keep(long id, Connection c, Capability net, long requestId) {
      synchronized (this) {
        if (!ended && !net.revoked() && !cancelled.contains(requestId)) {
          connections.put(id, c);
          madeThrough.put(id, net);
          return;
        }
      }
      later(c::free); // no JS view of it was ever handed out; freeing joins its pumps
      throw net.revoked() || ended ? revokedWhilePending(net) : aborted();
    }

    /** Registers a socket of an operation in flight; closes it at once if {@code net} is gone already. */
    void inFlight(Closeable s, Capability net, long requestId) {
      inFlight.put(s, new InFlight(net, requestId));
      if (ended || net.revoked() || cancelled.contains(requestId)) {
        closeQuietly(s); // release() or revoked() ran meanwhile and did not see this socket
      }
    }

    void watch(Capability net) {
      if (watched.add(net)) {
        net.onRevoke(() -> revoked(this, net));
      }
    }
  }

  private Owner owner(Component c) {
    if (closed) {
      throw new CapabilityException("capability.revoked", "the host is shutting down");
    }
    Owner o = owners.computeIfAbsent(c, Owner::new);
    o.begin();
    return o;
  }

  /** Connects as {@code net} allows and answers with a reader and a writer end. */
  public void connect(Component c, Capability net, String host, int port, long requestId) {
    Owner o = owner(c);
    o.watch(net);
    submit(o, net, requestId, () -> {
      InetAddress address = net.target(NetPolicy.class).check(host, port);
      SocketChannel sc = SocketChannel.open();
      o.inFlight(sc, net, requestId);
      try {
        sc.socket().connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
        sc.setOption(StandardSocketOptions.TCP_NODELAY, true);
      } catch (SocketTimeoutException e) {
        o.inFlight.remove(sc);
        sc.close();
        throw new CapabilityException("net.timeout", "connect to " + where(host, address, port) + ": no answer within "
            + timeout.toMillis() + " ms");
      } catch (IOException e) {
        o.inFlight.remove(sc);
        sc.close();
        throw new CapabilityException("net.refused", "connect to " + where(host, address, port) + " failed: "
            + (e instanceof java.net.ConnectException ? "the connection was refused"
            : e instanceof java.net.NoRouteToHostException ? "the address is unreachable" : "the connection failed"));
      }
      o.inFlight.remove(sc);
      long id = ids.incrementAndGet();
      Connection conn = connection(id, sc);
      o.keep(id, conn, net, requestId);
      c.settle(requestId, "net:" + requestId + ":", conn.ends(), List.of(Long.toString(id), address(sc.socket().getRemoteSocketAddress()),
          address(sc.socket().getLocalSocketAddress())), null, null);
    });
  }

  /** Binds a listener as {@code net} allows and answers with its id, bound address and port. */
  public void listen(Component c, Capability net, String host, int port, long requestId) {
    Owner o = owner(c);
    o.watch(net);
    submit(o, net, requestId, () -> {
      InetAddress address = net.target(NetPolicy.class).listenAddress(host, port);
      ServerSocketChannel ss = ServerSocketChannel.open();
      try {
        ss.bind(new InetSocketAddress(address, port), 128);
      } catch (IOException e) {
        ss.close();
        throw new CapabilityException("net.refused", "listen on " + where(host, address, port) + " failed: "
            + (e instanceof java.net.BindException ? "the address is in use or cannot be bound on this machine"
            : "the listener could not be opened"));
      }
      long id = ids.incrementAndGet();
      synchronized (o) {
        if (o.ended || net.revoked()) {
          ss.close();
          throw revokedWhilePending(net);
        }
        o.listeners.put(id, ss);
        o.madeThrough.put(id, net);
      }
      InetSocketAddress bound = (InetSocketAddress) ss.getLocalAddress();
      c.settle(requestId, "net:" + requestId + ":", Map.of(), List.of(Long.toString(id), bound.getAddress().getHostAddress(),
          Integer.toString(bound.getPort())), null, null);
    });
  }

  /** Waits for the next connection of listener {@code listenerId}. */
  public void accept(Component c, Capability net, long listenerId, long requestId) {
    Owner o = owner(c);
    ServerSocketChannel ss = o.listeners.get(listenerId);
    if (ss == null || o.madeThrough.get(listenerId) == null) {
      o.end();
      throw new CapabilityException("net.closed", "no open listener " + listenerId);
    }
    Capability through = o.madeThrough.getOrDefault(listenerId, net);
    submit(o, through, requestId, () -> {
      SocketChannel sc;
      try {
        sc = ss.accept();
      } catch (AsynchronousCloseException e) {
        throw new CapabilityException("net.closed", "the listener was closed");
      }
      long id = ids.incrementAndGet();
      Connection conn;
      try {
        sc.setOption(StandardSocketOptions.TCP_NODELAY, true);
        conn = connection(id, sc);
      } catch (IOException | RuntimeException e) {
        closeQuietly(sc);
        throw e;
      }
      o.keep(id, conn, through, requestId);
      c.settle(requestId, "net:" + requestId + ":", conn.ends(), List.of(Long.toString(id), address(sc.socket().getRemoteSocketAddress())), null,
          null);
    });
  }

  /**
   * Closes a listener or a connection of {@code c} by id: a listener's pending accepts fail; a
   * connection's socket closes and its ends are revoked (their memory is freed after the turns
   * that detach their views). Unknown ids are ignored.
   */
  public void close(Component c, long id) {
    Owner o = owners.get(c);
    if (o != null) {
      close(o, id, false);
    }
  }

  private void close(Owner o, long id, boolean graceful) {
    ServerSocketChannel ss = o.listeners.remove(id);
    if (ss != null) {
      later(() -> closeQuietly(ss)); // may wait for a thread blocked in its accept
    }
    Connection conn = o.connections.remove(id);
    if (conn != null) {
      retire(o, conn, graceful);
    }
    o.madeThrough.remove(id);
  }

  /**
   * The component gave up request {@code requestId} (an AbortSignal): its sockets close now and it
   * answers {@code net.aborted}, or frees what it made. Unknown or settled ids are ignored.
   */
  public void cancel(Component c, long requestId) {
    Owner o = owners.get(c);
    if (o == null || !o.pendingIds.contains(requestId)) {
      return;
    }
    o.cancelled.add(requestId);
    for (Map.Entry<Closeable, InFlight> e : new ArrayList<>(o.inFlight.entrySet())) {
      if (e.getValue().requestId() == requestId) {
        closeQuietly(e.getKey());
      }
    }
    if (!o.pendingIds.contains(requestId)) {
      o.cancelled.remove(requestId); // settled meanwhile
    }
  }

  /** A socket as a connection; the socket closes if that fails (no memory for its rings, say). */
  private static Connection connection(long id, SocketChannel sc) {
    try {
      return Connection.socket(id, "net-" + id, sc);
    } catch (RuntimeException e) {
      closeQuietly(sc);
      throw e;
    }
  }

  /** An HTTP request as {@code net} allows; answers with the body's reader end and the response's head. */
  public void fetch(Component c, Capability net, long requestId, String method, String url, List<String> headers,
      String redirect, byte[] body) {
    Owner o = owner(c);
    o.watch(net);
    submit(o, net, requestId, () -> {
      List<Socket> sockets = new ArrayList<>();
      Http1Client.Response r;
      try {
        r = new Http1Client(net.target(NetPolicy.class), timeout, s -> {
          sockets.add(s);
          o.inFlight(s, net, requestId);
        }).exchange(method, url, headers, body, redirect);
      } finally {
        sockets.forEach(o.inFlight::remove);
      }
      // The deadline covered the head; a body streams for as long as the server sends it, so a
      // silence (a server pushing events now and then) does not break it.
      long id = ids.incrementAndGet();
      Connection conn;
      try {
        r.socket().setSoTimeout(0);
        conn = Connection.body(id, "fetch-" + id, Channels.newChannel(r.body()), r.socket());
      } catch (IOException | RuntimeException e) {
        Http1Client.closeQuietly(r.socket()); // no memory for its rings, say: the socket closes here
        throw e;
      }
      StringBuilder h = new StringBuilder();
      for (String f : r.headers()) {
        h.append(f.length()).append(':').append(f);
      }
      o.keep(id, conn, net, requestId);
      c.settle(requestId, "net:" + requestId + ":", conn.ends(), List.of(Long.toString(id), Integer.toString(r.status()), r.statusText(),
          h.toString(), r.url(), r.redirected() ? "1" : "0"), null, null);
    });
  }

  /** Whether anything here could still wake a component: a pending operation, a listener or an open connection. */
  public boolean busy() {
    for (Owner o : owners.values()) {
      synchronized (o) {
        if (o.pending > 0 || !o.listeners.isEmpty()) {
          return true;
        }
      }
      for (Connection conn : o.connections.values()) {
        if (!conn.isClosed()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code c} has ended (its isolate is closed): its listeners close, what it wrote is sent (up to
   * 2 s) and its sockets close, and their memory is freed. Its pending operations answer no one.
   */
  public void release(Component c) {
    Owner o = owners.remove(c);
    if (o == null) {
      return;
    }
    List<Connection> conns;
    synchronized (o) {
      o.ended = true;
      conns = new ArrayList<>(o.connections.values());
      conns.addAll(o.retiring);
      o.connections.clear();
      o.retiring.clear();
    }
    o.listeners.values().forEach(NetService::closeQuietly);
    o.listeners.clear();
    // Its operations in flight end now (their sockets closed), rather than at their timeouts.
    o.inFlight.keySet().forEach(NetService::closeQuietly);
    if (conns.isEmpty()) {
      return;
    }
    Runnable finish = () -> {
      for (Connection conn : conns) {
        conn.finish(LINGER);
        conn.free();
      }
    };
    if (closed) {
      finish.run();
    } else {
      later(finish);
    }
  }

  /** Closes every listener and connection; frees their memory (every component has ended). */
  @Override
  public void close() {
    closed = true;
    for (Component c : new ArrayList<>(owners.keySet())) {
      release(c);
    }
    // Not shutdownNow: that would interrupt the tasks that let sockets send what was written and
    // free the connections' memory (an interrupted wait would leave that memory unreleased).
    exec.shutdown();
    try {
      exec.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The NET capability {@code net} was revoked (by the host, or with everything the component
   * held as it ends): what was made through it stops working at once (listeners close, the ends'
   * stubs are revoked), and each socket sends what the component wrote before, then closes.
   */
  private void revoked(Owner o, Capability net) {
    // Its operations in flight end now (their sockets closed) and answer capability.revoked.
    for (Map.Entry<Closeable, InFlight> e : new ArrayList<>(o.inFlight.entrySet())) {
      if (e.getValue().net() == net) {
        closeQuietly(e.getKey());
      }
    }
    for (Map.Entry<Long, Capability> e : new ArrayList<>(o.madeThrough.entrySet())) {
      if (e.getValue() == net) {
        close(o, e.getKey(), true);
      }
    }
  }

  /**
   * Ends a connection the component may still view: its ends are revoked first (pending reads and
   * writes fail as revoked, not broken), then the socket closes, at once or ({@code graceful})
   * after sending what was written; the memory is freed after the turns that detach the views.
   */
  private void retire(Owner o, Connection conn, boolean graceful) {
    synchronized (o) {
      if (o.ended) {
        later(() -> {
          conn.finish(graceful ? LINGER : Duration.ZERO);
          conn.free(); // the isolate is closed: no view remains
        });
        return;
      }
      o.retiring.add(conn);
    }
    conn.revokeEnds();
    Runnable freeLater = () -> o.component.afterQueuedTurns(() -> {
      // If the component ends first, release() frees it from retiring.
      if (o.retiring.remove(conn)) {
        conn.free();
      }
    });
    if (graceful) {
      later(() -> {
        conn.finish(LINGER);
        freeLater.run();
      });
    } else {
      // Closing joins the pumps (up to a few hundred ms): not on the component's thread.
      later(() -> {
        conn.close();
        freeLater.run();
      });
    }
  }

  /** Runs {@code r} on the executor, or here once the executor has shut down (nothing is dropped). */
  private void later(Runnable r) {
    try {
      exec.execute(r);
    } catch (RejectedExecutionException e) {
      r.run();
    }
  }

  private interface Operation {
    void run() throws IOException;
  }

  /**
   * Runs {@code op} on the executor; whatever it throws answers the request. An operation whose
   * NET capability was revoked meanwhile always answers {@code capability.revoked} (its socket was
   * closed under it, whatever error that caused).
   */
  private void submit(Owner o, Capability net, long requestId, Operation op) {
    o.pendingIds.add(requestId);
    try {
      exec.execute(() -> {
        try {
          op.run();
        } catch (IOException | RuntimeException e) {
          B8gException answer = net.revoked() ? revokedWhilePending(net)
              : o.cancelled.contains(requestId) ? aborted()
              // Region's advice (a JVM flag) is for whoever runs the host, not for the component.
              : e instanceof B8gException b && "region.no_memory".equals(b.code())
                  ? new CapabilityException("net.busy", "the host has no memory left for another connection's buffers; "
                      + "close some connections first")
              : e instanceof B8gException b ? b
              : e instanceof IOException ? new CapabilityException("net.failed", "the network operation failed")
              : new CapabilityException("internal", "the host could not complete the operation");
          o.component.settle(requestId, "net:" + requestId + ":", Map.of(), List.of(), answer.code(), answer.getMessage());
        } finally {
          o.pendingIds.remove(requestId);
          o.cancelled.remove(requestId);
          o.end();
        }
      });
    } catch (RuntimeException e) {
      o.pendingIds.remove(requestId);
      o.end();
      throw new CapabilityException("capability.revoked", "the host is shutting down");
    }
  }

  /** A socket of an operation in flight, the NET capability and the request it serves. */
  private record InFlight(Capability net, long requestId) {}

  private static CapabilityException aborted() {
    return new CapabilityException("net.aborted", "the request was aborted");
  }

  private static CapabilityException revokedWhilePending(Capability net) {
    return new CapabilityException("capability.revoked", "the NET capability was revoked while the operation was pending");
  }

  private static String where(String host, InetAddress address, int port) {
    String a = address.getHostAddress();
    return (host.equals(a) ? a : host + " (" + a + ")") + ":" + port;
  }

  private static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress s) {
      String h = s.getAddress().getHostAddress();
      return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + s.getPort();
    }
    return String.valueOf(a);
  }

  private static void closeQuietly(Closeable ss) {
    try {
      ss.close();
    } catch (IOException e) {
      // Nothing more to release.
    }
  }
}
