package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link BlobConnection} through the proxy the JDK's default {@link ProxySelector} names, as the
 * {@code HttpClient} requests go: a {@link RawHttpServer} plays the proxy (for the one made-up host
 * only; the selector is restored after each test).
 */
class BlobConnectionTest {
  private static final byte[] BLOB = "blob bytes through a proxy".getBytes(StandardCharsets.UTF_8);

  /** Runs {@code body} with a default selector that sends {@code blob.example} to {@code proxy}. */
  private static void withProxy(RawHttpServer proxy, ThrowingRunnable body) throws Exception {
    ProxySelector saved = ProxySelector.getDefault();
    ProxySelector.setDefault(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return "blob.example".equals(uri.getHost())
            ? List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", Integer.parseInt(proxy.host().split(":")[1]))))
            : saved.select(uri);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
      }
    });
    try {
      body.run();
    } finally {
      ProxySelector.setDefault(saved);
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void shouldGetThroughAnHttpProxyInAbsoluteForm() throws Exception {
    try (RawHttpServer proxy = new RawHttpServer(0, x -> x.answer(200, Map.of(), BLOB))) {
      withProxy(proxy, () -> {
        assertGetsBlob("http://blob.example:5000/v2/f/u/blobs/sha256:ab?x=1", "Bearer t");
      });
      assertEquals(List.of("GET http://blob.example:5000/v2/f/u/blobs/sha256:ab?x=1"), proxy.requests);
    }
  }

  @Test
  void shouldTunnelHttpsThroughAnHttpProxyAndNameItsRefusal() throws Exception {
    try (RawHttpServer proxy = new RawHttpServer(0, x -> x.answer(403, Map.of(), new byte[0]))) {
      withProxy(proxy, () -> {
        BlobConnection c = new BlobConnection();
        try {
          IOException e = assertThrows(IOException.class,
              () -> c.get(URI.create("https://blob.example/v2/f/u/blobs/sha256:ab"), null, 10_000, 10_000));
          assertTrue(e.getMessage().contains("the proxy refused CONNECT blob.example:443"), e.getMessage());
        } finally {
          c.close();
        }
      });
      assertEquals(List.of("CONNECT blob.example:443"), proxy.requests);
    }
  }

  /**
   * Runs {@code body} with the JDK's own default selector configured by {@code <scheme>.proxyHost}
   * and {@code <scheme>.proxyPort} naming {@code proxy} (that selector names its proxy by an
   * unresolved address); the properties are restored afterwards.
   */
  private static void withProxyProperties(String scheme, RawHttpServer proxy, ThrowingRunnable body) throws Exception {
    String hostKey = scheme + ".proxyHost";
    String portKey = scheme + ".proxyPort";
    String savedHost = System.getProperty(hostKey);
    String savedPort = System.getProperty(portKey);
    System.setProperty(hostKey, "127.0.0.1");
    System.setProperty(portKey, proxy.host().split(":")[1]);
    try {
      body.run();
    } finally {
      restore(hostKey, savedHost);
      restore(portKey, savedPort);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void shouldGetThroughTheProxyOfTheHttpProxyHostProperty() throws Exception {
    try (RawHttpServer proxy = new RawHttpServer(0, x -> x.answer(200, Map.of(), BLOB))) {
      withProxyProperties("http", proxy, () -> {
        assertGetsBlob("http://blob.example/v2/f/u/blobs/sha256:ab", null);
      });
      assertEquals(List.of("GET http://blob.example:80/v2/f/u/blobs/sha256:ab"), proxy.requests);
    }
  }

  @Test
  void shouldTunnelThroughTheProxyOfTheHttpsProxyHostProperty() throws Exception {
    try (RawHttpServer proxy = new RawHttpServer(0, x -> x.answer(403, Map.of(), new byte[0]))) {
      withProxyProperties("https", proxy, () -> {
        BlobConnection c = new BlobConnection();
        try {
          IOException e = assertThrows(IOException.class,
              () -> c.get(URI.create("https://blob.example/v2/f/u/blobs/sha256:ab"), null, 10_000, 10_000));
          assertTrue(e.getMessage().contains("the proxy refused CONNECT blob.example:443"), e.getMessage());
        } finally {
          c.close();
        }
      });
      assertEquals(List.of("CONNECT blob.example:443"), proxy.requests);
    }
  }

  @Test
  void shouldNameTheProxyItCannotReach() throws Exception {
    RawHttpServer gone = new RawHttpServer(0, x -> { });
    gone.close(); // its port now refuses connections
    withProxyProperties("http", gone, () -> {
      BlobConnection c = new BlobConnection();
      try {
        IOException e = assertThrows(IOException.class,
            () -> c.get(URI.create("http://blob.example/v2/x"), null, 10_000, 10_000));
        assertTrue(e.getMessage().contains("HTTP proxy " + gone.host()), e.getMessage());
      } finally {
        c.close();
      }
    });
  }

  @Test
  void shouldRefuseAnAuthorizationValueWithAControlCharacter() throws Exception {
    try (RawHttpServer server = new RawHttpServer(0, x -> x.answer(200, Map.of(), BLOB))) {
      BlobConnection c = new BlobConnection();
      try {
        IOException e = assertThrows(IOException.class,
            () -> c.get(URI.create("http://" + server.host() + "/v2/x"), "Bearer t\r\nX-Injected: 1", 10_000, 10_000));
        assertTrue(e.getMessage().contains("character 0xd at index 8"), e.getMessage());
      } finally {
        c.close();
      }
      assertEquals(List.of(), server.requests, "nothing was sent");
    }
  }

  @Test
  void shouldRefuseToConnectOnceClosed() {
    BlobConnection c = new BlobConnection();
    c.close(); // as a stopping operation does before the transfer's first request
    assertThrows(IOException.class, () -> c.get(URI.create("http://127.0.0.1:9/v2/"), null, 10_000, 10_000));
  }

  /** A GET of {@code url} answers 200 with {@link #BLOB}. */
  private static void assertGetsBlob(String url, String authorization) throws IOException {
    BlobConnection c = new BlobConnection();
    try {
      c.get(URI.create(url), authorization, 10_000, 10_000);
      assertEquals(200, c.status());
      assertArrayEquals(BLOB, c.body().readAllBytes());
    } finally {
      c.close();
    }
  }
}
