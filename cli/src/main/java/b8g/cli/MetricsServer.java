package b8g.cli;

import b8g.errors.B8gException;
import b8g.memory.counters.CountersReader;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code b8g run --metrics ADDRESS:PORT}: serves {@code GET /metrics} from the host's counters
 * file, read as any other process reads it ({@link CountersReader}), so a scrape costs the host's
 * threads nothing. The JDK's {@code com.sun.net.httpserver}: no dependency, and enough for one
 * scrape endpoint, on a small fixed pool of daemon threads. A client that opens a connection and
 * sends nothing (or reads nothing) holds a thread at most {@link #REQUEST_SECONDS} s: the JDK
 * server's request and response time limits ({@code sun.net.httpserver.maxReqTime},
 * {@code maxRspTime}) are set before the first server is created, unless already set.
 */
final class MetricsServer implements AutoCloseable {
  /** How long a request may take to arrive, and a response to be taken. */
  static final int REQUEST_SECONDS = 10;

  /** Threads serving requests: a few stuck clients leave the others served. */
  static final int THREADS = 4;

  static {
    // Read once, when the JDK's server classes are first used: so before any HttpServer.create.
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
    }
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(REQUEST_SECONDS));
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code address} ({@code HOST:PORT}; a port of 0 picks a free one) and serves {@code
   * counters}.
   *
   * @throws B8gException (USAGE) {@code metrics.address} for an address that is not HOST:PORT;
   *     (IO) {@code metrics.bind} when it cannot be bound
   */
  static MetricsServer start(String address, Path counters) {
    InetSocketAddress at = parse(address);
    CountersReader reader = CountersReader.open(counters);
    HttpServer s;
    try {
      s = HttpServer.create(at, 16);
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "metrics.bind", "cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
    ExecutorService ex = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "b8g-metrics");
      t.setDaemon(true);
      return t;
    });
    s.setExecutor(ex);
    s.createContext("/metrics", x -> serve(x, reader));
    s.start();
    return new MetricsServer(s, ex);
  }

  /** The address actually bound (with the port picked for port 0). */
  InetSocketAddress address() {
    return server.getAddress();
  }

  private static void serve(HttpExchange x, CountersReader reader) throws IOException {
    try (x) {
      if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
        x.getResponseHeaders().add("Allow", "GET, HEAD");
        x.sendResponseHeaders(405, -1);
        return;
      }
      if (!x.getRequestURI().getPath().equals("/metrics")) {
        x.sendResponseHeaders(404, -1);
        return;
      }
      String accept = x.getRequestHeaders().getFirst("Accept");
      boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
      byte[] body;
      int status = 200;
      String type;
      try {
        body = MetricsText.render(reader.records(), openMetrics).getBytes(StandardCharsets.UTF_8);
        type = openMetrics ? MetricsText.OPENMETRICS : MetricsText.PROMETHEUS;
      } catch (B8gException e) {
        status = 500;
        body = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        type = "text/plain; charset=utf-8";
      }
      x.getResponseHeaders().add("Content-Type", type);
      boolean head = x.getRequestMethod().equals("HEAD");
      x.sendResponseHeaders(status, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** {@code HOST:PORT} or {@code [IPv6]:PORT}; a bare port means 127.0.0.1. */
  static InetSocketAddress parse(String address) {
    String host = "127.0.0.1";
    String port = address;
    int colon = address.lastIndexOf(':');
    if (colon >= 0) {
      host = address.substring(0, colon);
      port = address.substring(colon + 1);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 0 || p > 65535 || host.isEmpty()) {
      throw new B8gException(B8gException.Category.USAGE, "metrics.address", "--metrics takes HOST:PORT (e.g. 127.0.0.1:9464, port 0 for"
          + " any free one), not \"" + address + "\"");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), p);
    } catch (UnknownHostException e) {
      throw new B8gException(B8gException.Category.USAGE, "metrics.address", "--metrics: unknown host \"" + host + "\"");
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
