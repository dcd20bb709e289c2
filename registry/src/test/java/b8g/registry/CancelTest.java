package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push or pull that fails or is interrupted ends every request it made: against a {@link
 * RawHttpServer} that stalls a request (no answer, or half a body), the operation returns with a
 * clear error, no {@code b8g-registry-*} thread is left, the client closed every stalled
 * connection, and nothing partial is in the store. The waits are generous bounds, not timings: the
 * requests' own timeout (five minutes by default) is far beyond them.
 */
class CancelTest {
  private static final long BOUND_SECONDS = 60;
  private static final String FAILURE = "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"disk on fire\"}]}";

  @TempDir Path home;

  @Test
  void shouldEndAnInterruptedPushWhoseBlobChecksStall() throws Exception {
    Unit unit = Fixtures.unit("app", "head-stall"); // four blobs: a HEAD each, all four stalled
    try (RawHttpServer server = new RawHttpServer(4, x -> {
          if (x.method().equals("HEAD")) {
            x.stall();
          } else {
            x.answer(404, Map.of(), new byte[0]);
          }
        });
        Registry reg = Registry.open(new Registry.Context().home(home).chunkSize(0))) {
      Operation push = Operation.start(() -> reg.push(unit, server.host() + "/f/up:1"));
      assertTrue(server.awaitStalls(BOUND_SECONDS), "the four HEAD requests arrived: " + server.requests);
      push.thread.interrupt();
      RegistryException e = push.failure();
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertEquals(List.of(), operationThreads());
      assertEquals(4, server.awaitClientClosed(4, BOUND_SECONDS), "stalled connections the client closed");
      assertEquals(4, server.requests.size(), "nothing was sent after the interrupt: " + server.requests);
    }
  }

  @Test
  void shouldStopAStalledChunkUploadWhenAnotherBlobFails() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("app.txtpb", "name: \"big\"\ncomponent { name: \"main\" script: \"big.js\" }\n".getBytes(StandardCharsets.UTF_8));
    files.put("big.js", ("// " + "x".repeat(256 * 1024) + "\n").getBytes(StandardCharsets.UTF_8));
    Unit unit = Unit.of("big", "app.txtpb", files);
    AtomicInteger patches = new AtomicInteger();
    AtomicInteger uploads = new AtomicInteger();
    try (RawHttpServer server = new RawHttpServer(1, x -> {
          switch (x.method()) {
            case "HEAD" -> x.answer(404, Map.of(), new byte[0]);
            case "POST" -> x.answer(202, Map.of("Location", "/upload/" + uploads.incrementAndGet()), new byte[0]);
            case "PATCH" -> {
              if (patches.incrementAndGet() == 1) { // the first chunk is taken, the next one hangs
                long n = x.body(Integer.MAX_VALUE).length;
                x.answer(202, Map.of("Location", x.path(), "Range", "0-" + (n - 1)), new byte[0]);
              } else {
                x.stall();
              }
            }
            case "PUT" -> { // a small blob's upload fails once the chunk hangs
              x.body(Integer.MAX_VALUE);
              x.server().awaitStalls(BOUND_SECONDS);
              x.answer(500, Map.of("Content-Type", "application/json"), FAILURE.getBytes(StandardCharsets.UTF_8));
            }
            default -> x.answer(404, Map.of(), new byte[0]);
          }
        });
        Registry reg = Registry.open(new Registry.Context().home(home).chunkSize(64 * 1024))) {
      Operation push = Operation.start(() -> reg.push(unit, server.host() + "/f/up:1"));
      RegistryException e = push.failure();
      assertEquals(RegistryException.SERVER_ERROR, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
      assertEquals(List.of(), operationThreads());
      assertEquals(1, server.stalled.get(), "the second chunk stalled: " + server.requests);
      assertEquals(1, server.awaitClientClosed(1, BOUND_SECONDS), "the stalled chunk's connection was closed");
      assertEquals(2, patches.get(), "no chunk was sent again: " + server.requests);
    }
  }

  @Test
  void shouldEndAnInterruptedPushWhoseUploadsWaitForAnAnswer() throws Exception {
    Unit unit = Fixtures.unit("app", "put-stall"); // four blobs, each one PUT whose answer never comes
    AtomicInteger uploads = new AtomicInteger();
    try (RawHttpServer server = new RawHttpServer(4, x -> {
          switch (x.method()) {
            case "POST" -> x.answer(202, Map.of("Location", "/upload/" + uploads.incrementAndGet()), new byte[0]);
            case "PUT" -> {
              x.body(Integer.MAX_VALUE);
              x.stall();
            }
            default -> x.answer(404, Map.of(), new byte[0]);
          }
        });
        Registry reg = Registry.open(new Registry.Context().home(home).chunkSize(0))) {
      Operation push = Operation.start(() -> reg.push(unit, server.host() + "/f/up:1"));
      assertTrue(server.awaitStalls(BOUND_SECONDS), "the four uploads arrived: " + server.requests);
      push.thread.interrupt(); // the uploads wait on BlobConnection sockets, which do not notice it: the stop closes them
      RegistryException e = push.failure();
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertEquals(List.of(), operationThreads());
      assertEquals(4, server.awaitClientClosed(4, BOUND_SECONDS), "stalled connections the client closed");
    }
  }

  @Test
  void shouldEndAnInterruptedPushWhoseUploadAnswersBodyStalls() throws Exception {
    Unit unit = Fixtures.unit("app", "put-answer-stall"); // four blobs, each PUT answered with half an error body
    AtomicInteger uploads = new AtomicInteger();
    try (RawHttpServer server = new RawHttpServer(4, x -> {
          switch (x.method()) {
            case "POST" -> x.answer(202, Map.of("Location", "/upload/" + uploads.incrementAndGet()), new byte[0]);
            case "PUT" -> {
              x.body(Integer.MAX_VALUE);
              x.head(500, Map.of("Content-Type", "application/json"), 100);
              x.out().write("{\"errors\":".getBytes(StandardCharsets.ISO_8859_1));
              x.out().flush();
              x.stall();
            }
            default -> x.answer(404, Map.of(), new byte[0]);
          }
        });
        // a request timeout far beyond the bound: only the stop can end the body's read in time
        Registry reg = Registry.open(new Registry.Context().home(home).chunkSize(0).requestTimeout(java.time.Duration.ofHours(1)))) {
      Operation push = Operation.start(() -> reg.push(unit, server.host() + "/f/up:1"));
      assertTrue(server.awaitStalls(BOUND_SECONDS), "the four uploads were answered: " + server.requests);
      push.thread.interrupt();
      RegistryException e = push.failure();
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertEquals(List.of(), operationThreads());
      assertEquals(4, server.awaitClientClosed(4, BOUND_SECONDS), "stalled connections the client closed");
    }
  }

  @Test
  void shouldEndAnInterruptedPushWhoseUploadIsNotRead() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>(Fixtures.unit("app", "put-unread").files());
    files.put("big.js", ("// " + "y".repeat(32 << 20) + "\n").getBytes(StandardCharsets.UTF_8));
    Unit unit = Unit.of("app", "app.txtpb", files); // five blobs, four at a time; the 32 MiB one fills the socket's buffers
    AtomicInteger uploads = new AtomicInteger();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (RawHttpServer server = new RawHttpServer(4, x -> {
          switch (x.method()) {
            case "POST" -> x.answer(202, Map.of("Location", "/upload/" + uploads.incrementAndGet()), new byte[0]);
            case "PUT" -> x.stallUnread(release);
            default -> x.answer(404, Map.of(), new byte[0]);
          }
        });
        Registry reg = Registry.open(new Registry.Context().home(home).chunkSize(0))) {
      Operation push = Operation.start(() -> reg.push(unit, server.host() + "/f/up:1"));
      assertTrue(server.awaitStalls(BOUND_SECONDS), "the first four uploads arrived: " + server.requests);
      assertTrue(server.requests.stream().anyMatch(r -> r.startsWith("PUT")), "the large blob goes first");
      push.thread.interrupt(); // the large upload's write waits for the server to read: it never does
      RegistryException e = push.failure();
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertEquals(List.of(), operationThreads());
      release.countDown();
      assertEquals(4, server.awaitClientClosed(4, BOUND_SECONDS), "stalled connections the client closed");
      assertEquals(4, server.requests.stream().filter(r -> r.startsWith("PUT")).count(), "the fifth blob never started");
    }
  }

  @Test
  void shouldPullBlobsSentInChunks() throws Exception {
    Unit unit = Fixtures.unit("remote", "chunked");
    Unit.Packed packed = unit.pack();
    try (RawHttpServer server = new RawHttpServer(0, x -> {
          byte[] blob = packed.blobs().get(x.path().substring(x.path().lastIndexOf('/') + 1));
          if (x.path().equals("/v2/f/u/manifests/1")) {
            x.answer(200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), packed.manifest());
          } else if (x.path().startsWith("/v2/f/u/blobs/") && blob != null) {
            StringBuilder chunked = new StringBuilder("HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
            x.out().write(chunked.toString().getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < blob.length; i += 7) { // small chunks, one with an extension, then a trailer
              int n = Math.min(7, blob.length - i);
              x.out().write((Integer.toHexString(n) + (i == 0 ? ";x=y" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
              x.out().write(blob, i, n);
              x.out().write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            x.out().write("0\r\nX-Trailer: 1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            x.out().flush();
          } else {
            x.answer(404, Map.of(), new byte[0]);
          }
        });
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      Fixtures.assertSameFiles(unit, reg.pull(server.host() + "/f/u:1"));
      assertEquals(List.of(), reg.check());
    }
  }

  @Test
  void shouldStoreNothingOfAPullWhoseBlobStallsWhenAnotherFails() throws Exception {
    Unit.Packed packed = Fixtures.unit("remote", "stall-and-fail").pack();
    String config = OciJson.parseManifest(packed.manifest(), "test").config().digest();
    String stalled = largestLayer(packed);
    try (RawHttpServer server = new RawHttpServer(1, x -> servePull(x, packed, stalled, config));
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      Operation pull = Operation.start(() -> reg.pull(server.host() + "/f/u:1"));
      RegistryException e = pull.failure();
      assertEquals(RegistryException.SERVER_ERROR, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
      assertStalledDownloadLeftNothing(server, reg, stalled);
    }
  }

  @Test
  void shouldEndAnInterruptedPullWhoseBlobStallsMidBody() throws Exception {
    Unit.Packed packed = Fixtures.unit("remote", "stall").pack();
    String stalled = largestLayer(packed);
    try (RawHttpServer server = new RawHttpServer(1, x -> servePull(x, packed, stalled, null));
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      Operation pull = Operation.start(() -> reg.pull(server.host() + "/f/u:1"));
      assertTrue(server.awaitStalls(BOUND_SECONDS), "the download stalled: " + server.requests);
      pull.thread.interrupt(); // the download reads a BlobConnection socket, which does not notice it: the stop closes it
      RegistryException e = pull.failure();
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertStalledDownloadLeftNothing(server, reg, stalled);
    }
  }

  @Test
  void shouldEndAnInterruptedPullWhoseManifestRequestStalls() throws Exception {
    try (RawHttpServer server = new RawHttpServer(1, RawHttpServer.Exchange::stall);
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      Operation pull = Operation.start(() -> reg.pull(server.host() + "/f/u:1"));
      assertTrue(server.awaitStalls(BOUND_SECONDS), "the manifest request arrived: " + server.requests);
      pull.thread.interrupt();
      RegistryException e = pull.failure();
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertEquals(1, server.awaitClientClosed(1, BOUND_SECONDS), "the stalled request's connection was closed");
      assertEquals(List.of(), reg.ls(null));
    }
  }

  @Test
  void shouldEndAnInterruptedPullWhoseManifestBodyStalls() throws Exception {
    try (RawHttpServer server = new RawHttpServer(1, x -> {
          x.head(200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), 1000);
          x.out().write("{\"schemaVersion\":".getBytes(StandardCharsets.UTF_8)); // then nothing
          x.out().flush();
          x.stall();
        });
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      Operation pull = Operation.start(() -> reg.pull(server.host() + "/f/u:1"));
      assertTrue(server.awaitStalls(BOUND_SECONDS), "the manifest request arrived: " + server.requests);
      pull.thread.interrupt(); // the body is read through the HttpClient's stream
      RegistryException e = pull.failure();
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertEquals(1, server.awaitClientClosed(1, BOUND_SECONDS), "the stalled body's connection was closed");
      assertEquals(List.of(), reg.ls(null));
    }
  }

  @Test
  void shouldNotWaitForMoreOfAnErrorBodyThanItReads() throws Exception {
    byte[] text = ("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"" + "x".repeat(HttpErrors.BODY_LIMIT + 1000))
        .getBytes(StandardCharsets.UTF_8);
    try (RawHttpServer server = new RawHttpServer(1, x -> {
          x.head(404, Map.of("Content-Type", "application/json"), 4L << 20); // 4 MiB announced, 65 KiB sent, then nothing
          x.out().write(text);
          x.out().flush();
          x.stall();
        });
        // a request timeout far beyond the bound: only reading no more than it needs ends the request in time
        Registry reg = Registry.open(new Registry.Context().home(home).requestTimeout(java.time.Duration.ofHours(1)))) {
      Operation pull = Operation.start(() -> reg.pull(server.host() + "/f/u:1"));
      RegistryException e = pull.failure();
      assertEquals(RegistryException.NOT_FOUND, e.code(), e.getMessage());
      assertEquals(1, server.awaitClientClosed(1, BOUND_SECONDS), "the error body's connection was closed");
      assertEquals(List.of(), reg.ls(null));
    }
  }

  /**
   * A registry for {@code f/u:1}: the manifest, and its blobs, except that {@code stalled} sends
   * half its body and then nothing, and {@code failing} (when not null) fails once that stalled.
   */
  private static void servePull(RawHttpServer.Exchange x, Unit.Packed packed, String stalled, String failing)
      throws IOException, InterruptedException {
    String path = x.path();
    if (path.equals("/v2/f/u/manifests/1")) {
      x.answer(200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST, "Docker-Content-Digest", Digest.of(packed.manifest())),
          packed.manifest());
      return;
    }
    String digest = path.startsWith("/v2/f/u/blobs/") ? path.substring("/v2/f/u/blobs/".length()) : "";
    byte[] blob = packed.blobs().get(digest);
    if (blob == null) {
      x.answer(404, Map.of(), new byte[0]);
    } else if (digest.equals(stalled)) {
      x.head(200, Map.of("Content-Type", "application/octet-stream"), blob.length);
      x.out().write(blob, 0, blob.length / 2);
      x.out().flush();
      x.stall();
    } else if (digest.equals(failing)) {
      x.server().awaitStalls(BOUND_SECONDS);
      x.answer(500, Map.of("Content-Type", "application/json"), FAILURE.getBytes(StandardCharsets.UTF_8));
    } else {
      x.answer(200, Map.of("Content-Type", "application/octet-stream"), blob);
    }
  }

  private static String largestLayer(Unit.Packed packed) {
    return OciJson.parseManifest(packed.manifest(), "test").layers().stream()
        .max(java.util.Comparator.comparingLong(Descriptor::size)).orElseThrow().digest();
  }

  /** No tag, no blob {@code digest}, no temp file, and a consistent store. */
  /** After a pull stopped while one blob's download stalled: no thread left, its connection closed, nothing stored. */
  private static void assertStalledDownloadLeftNothing(RawHttpServer server, Registry reg, String stalled) throws Exception {
    assertEquals(List.of(), operationThreads());
    assertEquals(1, server.awaitClientClosed(1, BOUND_SECONDS), "the stalled download's connection was closed");
    assertStoredNothingOf(reg, stalled);
  }

  private static void assertStoredNothingOf(Registry reg, String digest) throws IOException {
    assertEquals(List.of(), reg.ls(null));
    Path blobs = reg.storePath().resolve("blobs/sha256");
    assertFalse(Files.exists(blobs.resolve(Digest.hex(digest))), "the stalled blob was not stored");
    try (Stream<Path> s = Files.exists(blobs) ? Files.list(blobs) : Stream.empty()) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp")).toList());
    }
    assertEquals(List.of(), reg.check());
  }

  /** The live threads a push or pull starts (its blob transfers and their store threads). */
  static List<String> operationThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("b8g-registry-")).sorted().toList();
  }

  private static String dump() {
    StringBuilder b = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, trace) -> {
      if (t.getName().startsWith("b8g-registry-") || t.getName().startsWith("cancel-test")) {
        b.append(t.getName()).append('\n');
        for (StackTraceElement e : trace) {
          b.append("    at ").append(e).append('\n');
        }
      }
    });
    return b.toString();
  }

  /** A push or pull running on a thread of the test's, so that the test can interrupt it. */
  private static final class Operation {
    final Thread thread;
    final AtomicReference<Throwable> thrown = new AtomicReference<>();

    private Operation(Runnable op) {
      thread = new Thread(() -> {
        try {
          op.run();
        } catch (Throwable t) {
          thrown.set(t);
        }
      }, "cancel-test-operation");
    }

    static Operation start(Runnable op) {
      Operation o = new Operation(op);
      o.thread.start();
      return o;
    }

    /** Waits (bounded) for the operation to end; the RegistryException it threw. */
    RegistryException failure() throws InterruptedException {
      thread.join(BOUND_SECONDS * 1000);
      assertFalse(thread.isAlive(), () -> "the operation ended within " + BOUND_SECONDS + " s; threads:\n" + dump());
      return assertInstanceOf(RegistryException.class, thrown.get(), "the operation failed");
    }
  }
}
