package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forwarding proxy in front of the real registry loses one PATCH of a chunked upload: either
 * the request (the registry never sees it) or the answer (it did). The push still completes.
 */
class ChunkFaultTest extends WithRegistryServer {
  private static final Set<String> HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
      "expect", "upgrade", "keep-alive");
  @TempDir Path home;
  private HttpServer proxy;
  private String proxyHost;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final java.util.concurrent.atomic.AtomicBoolean lost = new java.util.concurrent.atomic.AtomicBoolean();
  private final AtomicInteger statusQueries = new AtomicInteger();
  private final AtomicInteger starts = new AtomicInteger();
  private volatile String lose = "none";

  @BeforeEach
  void startProxy() throws IOException {
    proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/", this::forward);
    proxy.start();
    proxyHost = "127.0.0.1:" + proxy.getAddress().getPort();
  }

  @AfterEach
  void stopProxy() {
    proxy.stop(0);
  }

  private void forward(HttpExchange x) throws IOException {
    try (x) {
      byte[] body = x.getRequestBody().readAllBytes();
      String method = x.getRequestMethod();
      // Blobs go up concurrently: lose the first chunk past offset 0 (a second chunk) or the first
      // chunk at 0, whichever blob it belongs to.
      String range = x.getRequestHeaders().getFirst("Content-Range");
      boolean first = range != null && range.startsWith("0-");
      boolean losing = method.equals("PATCH") && first == lose.startsWith("first") && lost.compareAndSet(false, true);
      if (losing && lose.endsWith("request")) {
        throw new IOException("losing a chunk before the registry sees it");
      }
      if (method.equals("GET") && x.getRequestURI().getPath().contains("/blobs/uploads/")) {
        statusQueries.incrementAndGet();
      }
      if (method.equals("POST") && x.getRequestURI().getPath().endsWith("/blobs/uploads/")) {
        starts.incrementAndGet();
      }
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + server.host + x.getRequestURI()))
          .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      x.getRequestHeaders().forEach((k, vs) -> {
        if (!HOP.contains(k.toLowerCase(java.util.Locale.ROOT))) {
          vs.forEach(v -> b.header(k, v));
        }
      });
      HttpResponse<byte[]> r;
      try {
        r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      if (losing && lose.equals("answer")) {
        throw new IOException("losing the answer to a chunk");
      }
      r.headers().map().forEach((k, vs) -> {
        if (!HOP.contains(k.toLowerCase(java.util.Locale.ROOT))) {
          vs.forEach(v -> x.getResponseHeaders().add(k, v.replace(server.host, proxyHost)));
        }
      });
      byte[] out = r.body();
      x.sendResponseHeaders(r.statusCode(), method.equals("HEAD") || out.length == 0 ? -1 : out.length);
      if (!method.equals("HEAD") && out.length > 0) {
        x.getResponseBody().write(out);
      }
    }
  }

  private void pushThroughProxy(String repo) {
    Unit unit = Fixtures.unit("big", "z".repeat(2000));
    try (Registry reg = Registry.open(new Registry.Context().home(home.resolve("a")).chunkSize(512))) {
      reg.push(unit, proxyHost + "/" + repo + ":1");
    }
    try (Registry reg = Fixtures.open(home.resolve("b"))) {
      Fixtures.assertSameFiles(unit, reg.pull(server.host + "/" + repo + ":1"));
      assertEquals(List.of(), reg.check());
    }
  }

  @Test
  void shouldResumeFromTheRegistrysOffsetWhenAChunkIsLost() {
    lose = "request";
    pushThroughProxy("resume/lost-request");
    assertTrue(statusQueries.get() >= 1, "asked the registry where the upload stands");
    assertEquals(4, starts.get(), "one upload per blob (config and three layers), none restarted");
  }

  @Test
  void shouldStartAfreshWhenAFirstChunkIsLost() {
    // the registry's "Range: 0-0" cannot tell no bytes from one: the upload starts again
    lose = "first-request";
    pushThroughProxy("resume/lost-first");
    assertTrue(statusQueries.get() >= 1, "asked the registry where the upload stands");
    assertEquals(5, starts.get(), "four blobs plus one fresh upload");
  }

  @Test
  void shouldStartOverWhenTheRegistryDroppedTheUpload() {
    lose = "answer";
    pushThroughProxy("resume/lost-answer");
    assertTrue(statusQueries.get() >= 1);
    // distribution 2.8 cancels an upload whose state token went stale: one upload starts over
    assertEquals(5, starts.get(), "four blobs plus one restarted upload");
  }
}
