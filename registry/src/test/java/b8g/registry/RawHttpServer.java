package b8g.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving HTTP/1.1 server on 127.0.0.1 over a raw {@link ServerSocket}, for faults the JDK
 * server cannot show: one request per connection (answers say {@code Connection: close}), each
 * handed to the test's {@link Handler} on a thread of its own, which may answer it or {@link
 * Exchange#stall} it: hold the connection, reading until the client closes it, which is counted
 * ({@link #clientClosed}). {@link #close} ends every connection and thread it started, then fails
 * (an {@link AssertionError}) if a handler threw anything but an {@link IOException} (the client
 * going away), so that an assertion in a handler fails its test.
 */
final class RawHttpServer implements AutoCloseable {
  /** Decides the answer to one request. */
  interface Handler {
    void handle(Exchange x) throws IOException, InterruptedException;
  }

  /** One request: its line and headers (names lower-case); the body is left unread on {@link #in}. */
  record Exchange(String method, String path, Map<String, String> headers, InputStream in, OutputStream out, RawHttpServer server) {
    /** Reads the body the request declared (Content-Length), at most {@code limit} bytes of it. */
    byte[] body(int limit) throws IOException {
      long n = Long.parseLong(headers.getOrDefault("content-length", "0"));
      return in.readNBytes((int) Math.min(n, limit));
    }

    /** Sends a whole answer. */
    void answer(int status, Map<String, String> extra, byte[] body) throws IOException {
      head(status, extra, body.length);
      out.write(body);
      out.flush();
    }

    /** Sends the status line and headers of an answer of {@code length} bytes, nothing of its body. */
    void head(int status, Map<String, String> extra, long length) throws IOException {
      StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " X\r\nConnection: close\r\nContent-Length: " + length + "\r\n");
      extra.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
      out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /**
     * Holds the connection without reading a byte of the request's body (a client writing a large
     * one blocks) until {@code release}, then as {@link #stall}.
     */
    void stallUnread(CountDownLatch release) throws IOException, InterruptedException {
      server.stalled.incrementAndGet();
      server.stalls.countDown();
      release.await();
      holdUntilClosed(); // counted stalled once, above
    }

    /**
     * Holds the connection: counts it stalled, then reads (and drops) whatever comes until the
     * client closes it (counted in {@link #clientClosed}) or the server closes.
     */
    void stall() throws IOException {
      server.stalled.incrementAndGet();
      server.stalls.countDown();
      holdUntilClosed();
    }

    /** Reads (and drops) whatever comes until the client closes the connection (counted) or the server closes. */
    private void holdUntilClosed() {
      byte[] sink = new byte[8192];
      try {
        while (in.read(sink) >= 0) {
          // the request's body, if any; then nothing more until the client gives up
        }
      } catch (IOException e) {
        if (server.closing) {
          return;
        }
        // a reset from the client is a close too
      }
      if (!server.closing) {
        server.clientClosed.incrementAndGet();
      }
    }
  }

  final AtomicInteger stalled = new AtomicInteger();
  final AtomicInteger clientClosed = new AtomicInteger();
  final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch stalls;
  private final ServerSocket socket;
  private final Handler handler;
  private final Thread acceptor;
  private final List<Thread> threads = java.util.Collections.synchronizedList(new ArrayList<>());
  private final List<Socket> connections = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile boolean closing;
  private final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());

  /** Starts serving; {@link #awaitStalls} waits for {@code expectedStalls} stalled requests. */
  RawHttpServer(int expectedStalls, Handler handler) throws IOException {
    this.stalls = new CountDownLatch(expectedStalls);
    this.handler = handler;
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "raw-http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String host() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /** Waits (bounded) until the expected number of requests stalled. */
  boolean awaitStalls(long seconds) throws InterruptedException {
    return stalls.await(seconds, TimeUnit.SECONDS);
  }

  /** Waits (bounded) until the client closed {@code expected} stalled connections; returns how many it closed. */
  int awaitClientClosed(int expected, long seconds) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (clientClosed.get() < expected && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    return clientClosed.get();
  }

  private void accept() {
    while (!closing) {
      try {
        Socket s = socket.accept();
        connections.add(s);
        Thread t = new Thread(() -> serve(s), "raw-http-conn");
        t.setDaemon(true);
        threads.add(t);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      String line = readLine(in);
      if (line == null || line.isEmpty()) {
        return;
      }
      String[] parts = line.split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (String h; (h = readLine(in)) != null && !h.isEmpty(); ) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
      }
      requests.add(parts[0] + " " + parts[1]);
      handler.handle(new Exchange(parts[0], parts[1], headers, in, s.getOutputStream(), this));
    } catch (IOException e) {
      // the client went away; the test asserts on what it got
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failures.add(e); // a handler's bug or failed assertion: close() fails the test with it
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c; (c = in.read()) >= 0; ) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    closing = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    synchronized (connections) {
      for (Socket s : connections) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
    try {
      acceptor.join(10_000);
      synchronized (threads) {
        for (Thread t : threads) {
          t.interrupt();
          t.join(10_000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (failures) {
      if (!failures.isEmpty()) {
        AssertionError e = new AssertionError(failures.size() + " request handler(s) failed, the first: " + failures.get(0), failures.get(0));
        failures.stream().skip(1).forEach(e::addSuppressed);
        throw e;
      }
    }
  }
}
