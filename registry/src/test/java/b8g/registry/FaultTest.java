package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected by a tiny in-test registry (com.sun.net.httpserver): each gives a clear error
 * and leaves the local store consistent with its previous content intact.
 */
class FaultTest {
  @TempDir Path home;
  private HttpServer server;
  private String host;
  private volatile String fault = "none";
  private volatile String requiredAuth;
  private volatile boolean bearer;
  /** The token the token service hands out, as JSON string content. */
  private volatile String token = "t0k3n";
  private Unit.Packed packed;
  private Unit kept;
  private Registry reg;

  /** A storage service on another origin, where "redirect" sends blob requests; records their Authorization headers. */
  private HttpServer storage;
  private final Map<String, byte[]> received = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger puts = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
  private final List<String> storageAuthorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** A manifest served instead of the packed one (hostile sizes, a blob named twice). */
  private volatile byte[] servedManifest;
  /** Blob GETs the registry answered, by digest. */
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> blobGets = new java.util.concurrent.ConcurrentHashMap<>();
  /** "slow-and-failing": the trickled blob's handler has started, and has ended (with whether it sent the whole body). */
  private final java.util.concurrent.CountDownLatch slowStarted = new java.util.concurrent.CountDownLatch(1);
  private final java.util.concurrent.CountDownLatch slowEnded = new java.util.concurrent.CountDownLatch(1);
  private volatile boolean slowSentAll;

  @BeforeEach
  void startStorage() throws IOException {
    storage = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    storage.createContext("/storage/", x -> {
      try (x) {
        storageAuthorizations.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
        String name = x.getRequestURI().getPath().substring("/storage/".length());
        if (name.equals("manifest")) {
          send(x, 200, packed.manifest(), MediaTypes.OCI_MANIFEST);
          return;
        }
        byte[] blob = packed.blobs().get(name);
        send(x, blob == null ? 404 : 200, blob == null ? new byte[0] : blob, "application/octet-stream");
      }
    });
    storage.start();
  }

  @AfterEach
  void stopStorage() {
    storage.stop(0);
  }

  @BeforeEach
  void start() throws IOException {
    packed = Fixtures.unit("remote", "r").pack();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    host = "127.0.0.1:" + server.getAddress().getPort();
    reg = Registry.open(new Registry.Context().home(home).maxManifestBytes(64 * 1024));
    kept = Fixtures.unit("kept", "k");
    reg.push(kept, "kept:1");
  }

  @AfterEach
  void stop() {
    reg.close();
    server.stop(0);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      if (path.equals("/token")) {
        send(x, 200, "{\"token\":\"" + token + "\"}", "application/json");
        return;
      }
      String auth = x.getRequestHeaders().getFirst("Authorization");
      if (bearer && !"Bearer t0k3n".equals(auth)) {
        x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host + "/token\",service=\"fake\",scope=\"repository:f/u:pull\"");
        send(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}", "application/json");
        return;
      }
      if (requiredAuth != null && !requiredAuth.equals(auth)) {
        x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"fake\"");
        send(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\",\"detail\":null}]}", "application/json");
        return;
      }
      if (fault.equals("500")) {
        send(x, 500, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk on fire\",\"detail\":\"rack 7\"}]}", "application/json");
        return;
      }
      if (path.startsWith("/v2/f/u/referrers/") && fault.equals("referrers-api")) {
        Descriptor sig = new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + "1".repeat(64), 10, MediaTypes.SIGNATURE, Map.of());
        send(x, 200, OciJson.indexBytes(List.of(sig)), MediaTypes.OCI_INDEX);
        return;
      }
      if (path.startsWith("/v2/f/up/") || path.startsWith("/upload/")) {
        receiveUpload(x, path);
        return;
      }
      if (path.equals("/v2/")) {
        send(x, 200, "{}", "application/json");
      } else if (path.startsWith("/v2/f/u/manifests/")) {
        String ref = path.substring("/v2/f/u/manifests/".length());
        if (ref.startsWith("sha256-")) {
          send(x, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}", "application/json");
        } else if (fault.equals("redirect-manifest")) {
          // a manifest GET (through the HttpClient) sent to another origin
          x.getResponseHeaders().add("Location", "http://127.0.0.1:" + storage.getAddress().getPort() + "/storage/manifest");
          send(x, 307, new byte[0], "text/plain");
        } else if (fault.equals("huge-manifest")) {
          send(x, 200, "{\"pad\":\"" + "x".repeat(100_000) + "\"}", MediaTypes.OCI_MANIFEST);
        } else {
          byte[] m = servedManifest != null ? servedManifest : packed.manifest();
          x.getResponseHeaders().add("Docker-Content-Digest", Digest.of(m));
          send(x, 200, m, MediaTypes.OCI_MANIFEST);
        }
      } else if (path.startsWith("/v2/f/u/blobs/")) {
        String digest = path.substring("/v2/f/u/blobs/".length());
        blobGets.computeIfAbsent(digest, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        byte[] blob = fault.equals("slow-and-failing") && digest.equals(Digest.of(BIG)) ? BIG : packed.blobs().get(digest);
        if (blob != null && fault.equals("slow-and-failing")) {
          slowAndFailing(x, digest, blob);
          return;
        }
        if (blob == null) {
          send(x, 404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}", "application/json");
        } else if (fault.equals("wrong-bytes")) {
          byte[] wrong = blob.clone();
          wrong[wrong.length / 2] ^= 1;
          send(x, 200, wrong, "application/octet-stream");
        } else if (fault.equals("longer")) {
          byte[] longer = java.util.Arrays.copyOf(blob, blob.length + 1_000_000); // the right bytes, then a flood
          send(x, 200, longer, "application/octet-stream");
        } else if (fault.equals("redirect")) {
          // as large registries do: the blob lives at a storage service on another origin
          x.getResponseHeaders().add("Location", "http://127.0.0.1:" + storage.getAddress().getPort() + "/storage/"
              + path.substring("/v2/f/u/blobs/".length()) + "?sig=x");
          send(x, 307, new byte[0], "text/plain");
        } else if (fault.equals("drop")) {
          throw new IOException("dropping the connection on purpose");
        } else if (fault.equals("truncate")) {
          x.sendResponseHeaders(200, blob.length);
          OutputStream out = x.getResponseBody();
          out.write(blob, 0, blob.length / 2);
          out.flush();
          throw new IOException("cutting the download on purpose");
        } else {
          send(x, 200, blob, "application/octet-stream");
        }
      } else {
        send(x, 404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"unknown\"}]}", "application/json");
      }
    }
  }

  /**
   * A 1 MiB layer ({@link #BIG}, over what the JDK drains from a connection closed early) trickles
   * out in 4 KiB pieces; the config fails with a 500 once that has started. Records whether the
   * trickle got its whole body out.
   */
  private void slowAndFailing(HttpExchange x, String digest, byte[] blob) throws IOException {
    if (digest.equals(Digest.of(BIG))) {
      slowStarted.countDown();
      try {
        x.sendResponseHeaders(200, BIG.length);
        OutputStream out = x.getResponseBody();
        for (int i = 0; i < BIG.length; i += 4096) {
          out.write(BIG, i, 4096);
          out.flush();
          Thread.sleep(50);
        }
        slowSentAll = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        slowEnded.countDown();
      }
    } else if (digest.equals(OciJson.parseManifest(packed.manifest(), "test").config().digest())) {
      try {
        slowStarted.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      send(x, 500, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"config lost\"}]}", "application/json");
    } else {
      send(x, 200, blob, "application/octet-stream");
    }
  }

  private static final byte[] BIG = " ".repeat(1024 * 1024).getBytes(StandardCharsets.UTF_8);

  /** The packed manifest with its JSON changed by {@code edit}. */
  private byte[] manifestEdited(java.util.function.Consumer<com.google.gson.JsonObject> edit) {
    com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(new String(packed.manifest(), StandardCharsets.UTF_8)).getAsJsonObject();
    edit.accept(o);
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A registry that takes uploads into {@link #received}: POST opens a session, PUT ?digest= completes it. */
  private void receiveUpload(HttpExchange x, String path) throws IOException {
    String method = x.getRequestMethod();
    if (fault.equals("put-401-early") && method.equals("PUT") && path.startsWith("/upload/")
        && x.getRequestHeaders().getFirst("Authorization") != null && expired.compareAndSet(false, true)) {
      // refused before the body is read: the server closes the connection under the client's write
      puts.incrementAndGet();
      x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host + "/token\",service=\"fake\"");
      send(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token expired\"}]}", "application/json");
      return;
    }
    byte[] body = x.getRequestBody().readAllBytes();
    if (method.equals("POST") && path.equals("/v2/f/up/blobs/uploads/")) {
      x.getResponseHeaders().add("Location", "/upload/" + java.util.UUID.randomUUID());
      send(x, 202, new byte[0], "text/plain");
    } else if (method.equals("PUT") && path.startsWith("/upload/")) {
      puts.incrementAndGet();
      if (fault.equals("put-401") && expired.compareAndSet(false, true)) {
        // the token expired while the body went up: the whole PUT is refused
        x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host + "/token\",service=\"fake\"");
        send(x, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"token expired\"}]}", "application/json");
        return;
      }
      String digest = java.net.URLDecoder.decode(x.getRequestURI().getQuery().replaceFirst(".*digest=", ""), StandardCharsets.UTF_8);
      if (!Digest.of(body).equals(digest)) {
        send(x, 400, "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"digest invalid\"}]}", "application/json");
        return;
      }
      received.put(digest, body);
      send(x, 201, new byte[0], "text/plain");
    } else if (method.equals("PUT") && path.startsWith("/v2/f/up/manifests/")) {
      x.getResponseHeaders().add("Docker-Content-Digest", Digest.of(body));
      send(x, 201, new byte[0], "text/plain");
    } else {
      send(x, 404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"unknown\"}]}", "application/json");
    }
  }

  private static void send(HttpExchange x, int status, String body, String type) throws IOException {
    send(x, status, body.getBytes(StandardCharsets.UTF_8), type);
  }

  private static void send(HttpExchange x, int status, byte[] body, String type) throws IOException {
    x.getResponseHeaders().add("Content-Type", type);
    if (x.getRequestMethod().equals("HEAD")) {
      x.sendResponseHeaders(status, -1);
      return;
    }
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    x.getResponseBody().write(body);
  }

  private RegistryException pullFails(String expectedCode) {
    RegistryException e = assertThrows(RegistryException.class, () -> reg.pull(host + "/f/u:1"));
    assertEquals(expectedCode, e.code(), e.getMessage());
    assertEquals(List.of(), reg.check(), "the store stays consistent");
    assertEquals(List.of("kept:1"), reg.ls(null), "no tag for what failed");
    Fixtures.assertSameFiles(kept, reg.pull("kept:1"));
    return e;
  }

  @Test
  void shouldPullFromTheFakeWhenNothingIsWrong() {
    Fixtures.assertSameFiles(Fixtures.unit("remote", "r"), reg.pull(host + "/f/u:1"));
  }

  @Test
  void shouldRefuseABlobWhoseBytesDoNotMatchItsDigest() {
    fault = "wrong-bytes";
    RegistryException e = pullFails(RegistryException.DIGEST_MISMATCH);
    assertTrue(e.getMessage().contains("sha256:"), e.getMessage());
  }

  @Test
  void shouldRefuseABlobLongerThanItsDescriptor() {
    fault = "longer";
    RegistryException e = pullFails(RegistryException.DIGEST_MISMATCH);
    assertTrue(e.getMessage().contains("longer than its declared"), e.getMessage());
  }

  @Test
  void shouldReportTheRegistryErrorBodyOfA500() {
    fault = "500";
    RegistryException e = pullFails(RegistryException.SERVER_ERROR);
    assertTrue(e.getMessage().contains("UNKNOWN: disk on fire [rack 7]"), e.getMessage());
  }

  @Test
  void shouldFollowBlobRedirectsWithoutHandingTheRegistrysTokenOn() {
    bearer = true;
    fault = "redirect";
    Fixtures.assertSameFiles(Fixtures.unit("remote", "r"), reg.pull(host + "/f/u:1"));
    assertEquals(4, storageAuthorizations.size(), "config and three layers came from the storage service");
    assertEquals(List.of("null"), storageAuthorizations.stream().distinct().toList(), "the registry's token stayed with the registry");
  }

  @Test
  void shouldFollowManifestRedirectsWithoutHandingTheRegistrysTokenOn() {
    bearer = true;
    fault = "redirect-manifest";
    Fixtures.assertSameFiles(Fixtures.unit("remote", "r"), reg.pull(host + "/f/u:1"));
    assertTrue(storageAuthorizations.size() >= 1, "the manifest came from the storage service");
    assertEquals(List.of("null"), storageAuthorizations.stream().distinct().toList(), "the registry's token stayed with the registry");
  }

  @Test
  void shouldRefuseATokenThatWouldInjectHeaderLines() {
    bearer = true;
    token = "t0k3n\\r\\nX-Injected: 1";
    RegistryException e = pullFails(RegistryException.PROTOCOL);
    assertTrue(e.getMessage().contains("control character 0xd at index 5"), e.getMessage());
    assertTrue(e.getMessage().contains("the token from 127.0.0.1"), e.getMessage());
  }

  @Test
  void shouldSendAnUploadAgainWhenTheRegistryRefusesItsToken() {
    bearer = true;
    fault = "put-401";
    reg.push(Fixtures.unit("remote", "r"), host + "/f/up:1");
    assertTrue(expired.get(), "one PUT was refused");
    assertEquals(packed.blobs().size() + 1, puts.get(), "every blob went up once, the refused one twice");
    packed.blobs().forEach((digest, bytes) -> assertArrayEquals(bytes, received.get(digest), digest));
  }

  @Test
  void shouldNotAllocateTheSizesAHostileManifestDeclares() {
    // three layers declared just under the 2 GiB blob limit, served with their real (small) bytes
    servedManifest = manifestEdited(o -> o.getAsJsonArray("layers").forEach(l -> l.getAsJsonObject().addProperty("size", 2_000_000_000L)));
    RegistryException e = pullFails(RegistryException.DIGEST_MISMATCH);
    assertTrue(e.getMessage().contains("expected 2000000000"), e.getMessage());
  }

  @Test
  void shouldRefuseAnOversizedConfigBeforeDownloadingAnything() {
    servedManifest = manifestEdited(o -> o.getAsJsonObject("config").addProperty("size", 100_000));
    RegistryException e = pullFails(RegistryException.TOO_LARGE);
    assertTrue(e.getMessage().contains("limit 64 KiB"), e.getMessage());
    assertEquals(Map.of(), blobGets, "no blob was requested");
  }

  @Test
  void shouldDownloadABlobNamedTwiceOnce() {
    servedManifest = manifestEdited(o -> {
      com.google.gson.JsonObject again = java.util.stream.StreamSupport.stream(o.getAsJsonArray("layers").spliterator(), false)
          .map(l -> l.getAsJsonObject()).filter(l -> l.getAsJsonObject("annotations").get(MediaTypes.ANNOTATION_TITLE).getAsString().equals("main.js"))
          .findFirst().orElseThrow().deepCopy();
      again.getAsJsonObject("annotations").addProperty(MediaTypes.ANNOTATION_TITLE, "again.js");
      o.getAsJsonArray("layers").add(again);
    });
    Unit u = reg.pull(host + "/f/u:1");
    assertEquals(packed.blobs().size(), blobGets.size());
    blobGets.forEach((digest, n) -> assertEquals(1, n.get(), digest + " was downloaded " + n + " times"));
    assertArrayEquals(u.file("main.js"), u.file("again.js"));
  }

  @Test
  void shouldStopTheOtherDownloadsOnTheFirstFailure() throws InterruptedException, IOException {
    fault = "slow-and-failing";
    servedManifest = manifestEdited(o -> {
      com.google.gson.JsonObject big = o.getAsJsonArray("layers").get(0).deepCopy().getAsJsonObject();
      big.addProperty("digest", Digest.of(BIG));
      big.addProperty("size", BIG.length);
      big.getAsJsonObject("annotations").addProperty(MediaTypes.ANNOTATION_TITLE, "big.js");
      o.getAsJsonArray("layers").add(big);
    });
    RegistryException e = pullFails(RegistryException.SERVER_ERROR);
    assertTrue(e.getMessage().contains("config lost"), e.getMessage());
    assertTrue(slowEnded.await(60, java.util.concurrent.TimeUnit.SECONDS), "the trickle ended");
    assertTrue(!slowSentAll, "the trickled download was cut when the config failed, not read to its end");
    try (var files = Files.list(home.resolve("store").resolve("blobs").resolve("sha256"))) {
      assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(OciStore.TMP)).toList(),
          "no temp file left");
    }
  }

  @Test
  void shouldSendAnUploadAgainWhenTheRegistryRefusesItBeforeReadingItsBody() {
    bearer = true;
    fault = "put-401-early";
    Map<String, byte[]> files = new java.util.LinkedHashMap<>(Fixtures.unit("remote", "r").files());
    files.put("big.js", " ".repeat(16 * 1024 * 1024).getBytes(StandardCharsets.UTF_8)); // far more than socket buffers hold
    Unit u = Unit.of("remote", "app.txtpb", files);
    reg.push(u, host + "/f/up:1");
    assertTrue(expired.get(), "one PUT was refused before its body was read");
    u.pack().blobs().forEach((digest, bytes) -> assertArrayEquals(bytes, received.get(digest), digest));
  }

  @Test
  void shouldReportADroppedConnection() {
    fault = "drop";
    pullFails(RegistryException.CONNECTION);
  }

  @Test
  void shouldReportATruncatedDownload() {
    fault = "truncate";
    RegistryException e = pullFails(RegistryException.CONNECTION);
    assertTrue(e.getMessage().contains("nothing was stored"), e.getMessage());
  }

  @Test
  void shouldRefuseAManifestOverTheSizeLimit() {
    fault = "huge-manifest";
    RegistryException e = pullFails(RegistryException.TOO_LARGE);
    assertTrue(e.getMessage().contains("65536"), e.getMessage());
  }

  @Test
  void shouldRefuseWrongCredentialsAndUnsafeCredentialFiles() throws IOException {
    requiredAuth = "Basic " + Base64.getEncoder().encodeToString("me:right".getBytes(StandardCharsets.UTF_8));
    RegistryException none = pullFails(RegistryException.UNAUTHORIZED);
    assertTrue(none.getMessage().contains("b8g registry login"), none.getMessage());

    RegistryException wrong = assertThrows(RegistryException.class, () -> reg.login(host, "me", "wrong"));
    assertEquals(RegistryException.UNAUTHORIZED, wrong.code());
    assertTrue(wrong.getMessage().contains("authentication required"), wrong.getMessage());

    reg.login(host, "me", "right");
    Path creds = home.resolve("credentials.json");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)));
    Fixtures.assertSameFiles(Fixtures.unit("remote", "r"), reg.pull(host + "/f/u:1"));

    Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-r--r--"));
    try (Registry other = Registry.open(new Registry.Context().home(home))) {
      RegistryException unsafe = assertThrows(RegistryException.class, () -> other.pull(host + "/f/u:1"));
      assertEquals(RegistryException.CREDENTIALS, unsafe.code());
      assertTrue(unsafe.getMessage().contains("chmod 600"), unsafe.getMessage());
    }
  }

  @Test
  void shouldFetchABearerTokenFromTheChallengedRealm() {
    bearer = true;
    Fixtures.assertSameFiles(Fixtures.unit("remote", "r"), reg.pull(host + "/f/u:1"));
  }

  @Test
  void shouldRefuseABlobOverTheSizeLimit() {
    reg.close();
    reg = Registry.open(new Registry.Context().home(home).maxBlobBytes(16));
    RegistryException e = pullFails(RegistryException.TOO_LARGE);
    assertTrue(e.getMessage().contains("over the limit of 16"), e.getMessage());
  }

  @Test
  void shouldUseTheReferrersApiWhenTheRegistryHasIt() {
    fault = "referrers-api";
    List<Descriptor> refs = reg.client(host).referrers("f/u", packed.descriptor().digest());
    assertEquals(1, refs.size());
    assertEquals(MediaTypes.SIGNATURE, refs.get(0).artifactType());
  }

  @Test
  void shouldParseTheDistributionErrorFormat() {
    assertEquals("NAME_UNKNOWN: repository name not known to registry [{\"name\":\"x\"}]",
        HttpErrors.errorText("{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\",\"detail\":{\"name\":\"x\"}}]}"
            .getBytes(StandardCharsets.UTF_8)));
    assertEquals("plain text", HttpErrors.errorText("plain text".getBytes(StandardCharsets.UTF_8)));
  }
}
