package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Happy paths and refusals against a real Distribution 2.8 server. */
class RemoteRegistryTest extends WithRegistryServer {
  @TempDir Path home;

  private Registry open(Path h) {
    return Registry.open(new Registry.Context().home(h).chunkSize(0).tagPageSize(1));
  }

  @Test
  void shouldReportTransferredBytesForProgress() {
    String repo = server.host + "/demo/progress";
    Unit unit = Fixtures.unit("app", "progress");
    long files = unit.files().values().stream().mapToLong(b -> b.length).sum();
    java.util.concurrent.atomic.AtomicLong up = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong down = new java.util.concurrent.atomic.AtomicLong();
    try (Registry a = Registry.open(new Registry.Context().home(home.resolve("a")).chunkSize(0).progress(up::addAndGet));
         Registry b = Registry.open(new Registry.Context().home(home.resolve("b")).progress(down::addAndGet))) {
      a.push(unit, repo + ":1");
      Fixtures.assertSameFiles(unit, b.pull(repo + ":1"));
    }
    // Every file is a blob that crossed the network once each way (plus the small config blob).
    assertTrue(up.get() >= files, "reported " + up.get() + " of at least " + files + " bytes up");
    assertTrue(down.get() >= files, "reported " + down.get() + " of at least " + files + " bytes down");
  }

  /** A unit with a 4 MiB script, so that its transfer is under way when the progress listener interrupts. */
  private static Unit bigUnit(String salt) {
    java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>(Fixtures.unit("app", salt).files());
    byte[] big = new byte[4 << 20];
    new Random(salt.hashCode()).nextBytes(big);
    files.put("big.js", ("// " + java.util.Base64.getEncoder().encodeToString(big)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return Unit.of("app", "app.txtpb", files);
  }

  @Test
  void shouldStoreNothingOfAPullInterruptedWhileItDownloads() throws Exception {
    String repo = server.host + "/demo/interrupted-pull";
    Unit unit = bigUnit("interrupted-pull");
    Thread caller = Thread.currentThread();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
    try (Registry a = open(home.resolve("a"));
         Registry b = Registry.open(new Registry.Context().home(home.resolve("b")).progress(n -> {
           if (armed.getAndSet(false)) {
             caller.interrupt(); // at the first bytes that came down
           }
         }))) {
      a.push(unit, repo + ":1");
      RegistryException e = assertThrows(RegistryException.class, () -> b.pull(repo + ":1"));
      assertTrue(Thread.interrupted(), "the interrupt status is kept");
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertEquals(List.of(), CancelTest.operationThreads());
      assertEquals(List.of(), b.ls(null));
      assertEquals(List.of(), b.check());
      try (java.util.stream.Stream<Path> s = Files.list(b.storePath().resolve("blobs/sha256"))) {
        assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(".tmp")).toList());
      }
      Fixtures.assertSameFiles(unit, b.pull(repo + ":1")); // the store took no harm
    }
  }

  @Test
  void shouldPublishNothingOfAPushInterruptedWhileItUploads() throws Exception {
    String repo = server.host + "/demo/interrupted-push";
    Unit unit = bigUnit("interrupted-push");
    Thread caller = Thread.currentThread();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean(true);
    try (Registry a = Registry.open(new Registry.Context().home(home.resolve("a")).chunkSize(0).progress(n -> {
           if (armed.getAndSet(false)) {
             caller.interrupt(); // once the first blob went up
           }
         }));
         Registry b = open(home.resolve("b"))) {
      RegistryException e = assertThrows(RegistryException.class, () -> a.push(unit, repo + ":1"));
      assertTrue(Thread.interrupted(), "the interrupt status is kept");
      assertEquals(RegistryException.CONNECTION, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertEquals(List.of(), CancelTest.operationThreads());
      assertEquals(RegistryException.NOT_FOUND, assertThrows(RegistryException.class, () -> b.pull(repo + ":1")).code(),
          "no manifest was published");
      a.push(unit, repo + ":1"); // again, to the end
      Fixtures.assertSameFiles(unit, b.pull(repo + ":1"));
    }
  }

  @Test
  void shouldPushPullTagListAndDelete() {
    String repo = server.host + "/demo/app";
    Unit unit = Fixtures.unit("app", "push");
    try (Registry a = open(home.resolve("a")); Registry b = open(home.resolve("b"))) {
      Descriptor pushed = a.push(unit, repo + ":1.0");
      a.tag(repo + ":1.0", repo + ":stable");
      a.tag(repo + ":1.0", repo + ":latest");
      // paging with n=1 follows three Link headers
      assertEquals(List.of(repo + ":1.0", repo + ":latest", repo + ":stable"), b.ls(repo).stream().sorted().toList());

      Unit pulled = b.pull(repo + ":stable");
      Fixtures.assertSameFiles(unit, pulled);
      assertEquals(List.of(repo + ":stable"), b.ls(null));
      Fixtures.assertSameFiles(unit, b.pull(repo + "@" + pushed.digest()));
      assertTrue(b.inspect(repo + ":1.0").contains(pushed.digest()));
      Path out = home.resolve("out");
      pulled.extractTo(out);
      assertTrue(Files.isRegularFile(out.resolve("lib/util.js")));

      assertEquals(2, b.rm(repo + ":stable")); // the registry's manifest and the store's tag
      RegistryException e = assertThrows(RegistryException.class, () -> b.pull(repo + ":1.0"));
      assertEquals(RegistryException.NOT_FOUND, e.code());
      assertTrue(e.getMessage().contains("MANIFEST_UNKNOWN"), e.getMessage());
      assertEquals(List.of(), b.check());
    }
  }

  @Test
  void shouldFailClearlyForAMissingTagAndKeepTheStore() {
    try (Registry reg = open(home)) {
      Unit kept = Fixtures.unit("kept", "k");
      reg.push(kept, "kept:1");
      RegistryException e = assertThrows(RegistryException.class, () -> reg.pull(server.host + "/demo/none:nope"));
      assertEquals(RegistryException.NOT_FOUND, e.code());
      assertTrue(e.getMessage().contains("demo/none:nope"), e.getMessage());
      assertEquals(List.of(), reg.check());
      Fixtures.assertSameFiles(kept, reg.pull("kept:1"));
    }
  }

  @Test
  void shouldResumeAChunkedUploadAfterAnInterruption() throws Exception {
    byte[] image = new byte[300_000];
    new Random(7).nextBytes(image);
    try (Registry reg = open(home)) {
      OciStore store = reg.store();
      String digest = store.blobs().write(image);
      Descriptor d = new Descriptor(MediaTypes.IMAGE, digest, image.length);
      String repo = "chunked/blob";
      int chunk = 128 * 1024;

      RemoteClient first = reg.client(server.host);
      String location = first.chunks().start(repo);
      location = first.chunks().patch(location, new UploadSource(store.blobs(), d), 0, chunk);
      // the first client is gone (a crash, a lost connection); a fresh one asks where the upload stands
      RemoteClient second = new RemoteClient(server.host, false, null, java.time.Duration.ofSeconds(5),
          java.time.Duration.ofSeconds(30), 4 << 20, 1 << 30);
      long offset = second.chunks().status(location);
      assertEquals(chunk, offset);
      UploadSource rest = new UploadSource(store.blobs(), d);
      location = second.chunks().send(repo, location, rest, d.size(), offset, chunk);
      rest.verify(); // only the rest went through its hash: the check reads the whole file
      second.chunks().complete(location, digest);
      assertTrue(second.blobExists(repo, digest));

      OciStore other = OciStore.open(home.resolve("other"), 4 << 20);
      assertEquals(digest, Digest.of(second.fetchBlob(repo, d, other, true)));
      assertEquals(digest, Digest.of(other.blobs().read(d)));
    }
  }

  @Test
  void shouldRefuseToUploadAStoredBlobThatWasAltered() throws Exception {
    for (long chunkSize : new long[] {0, 64}) { // one PUT; PATCH chunks
      try (Registry reg = Registry.open(new Registry.Context().home(home.resolve("altered-" + chunkSize)).chunkSize(chunkSize))) {
        Unit unit = Fixtures.unit("altered", "a".repeat(300) + chunkSize);
        Descriptor m = reg.push(unit, "demo/altered:1");
        Descriptor layer = OciJson.parseManifest(reg.store().blobs().readManifest(m.digest()), "test").layers().get(1);
        Path file = reg.store().blobs().path(layer.digest());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1; // same size, last byte flipped: only the hash can tell
        Files.write(file, bytes);
        String repo = "demo/altered-" + chunkSize;
        RegistryException e = assertThrows(RegistryException.class, () -> reg.tag("demo/altered:1", server.host + "/" + repo + ":1"));
        assertEquals(RegistryException.DIGEST_MISMATCH, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(layer.digest()), e.getMessage());
        assertFalse(reg.client(server.host).blobExists(repo, layer.digest()), "the altered blob did not land in the registry");
      }
    }
  }

  @Test
  void shouldPushLargeBlobsInChunksThroughTheRegistryEntry() {
    try (Registry reg = Registry.open(new Registry.Context().home(home).chunkSize(64))) {
      Unit unit = Fixtures.unit("chunky", "c".repeat(500));
      reg.push(unit, server.host + "/chunky/app:1");
      try (Registry other = open(home.resolve("o"))) {
        Fixtures.assertSameFiles(unit, other.pull(server.host + "/chunky/app:1"));
      }
    }
  }

  @Test
  void shouldMountBlobsAcrossRepositories() {
    try (Registry reg = open(home)) {
      Unit unit = Fixtures.unit("mnt", "mount");
      reg.push(unit, server.host + "/mount/src:1");
      RemoteClient c = reg.client(server.host);
      int uploadsBefore = c.uploaded.get();
      reg.tag(server.host + "/mount/src:1", server.host + "/mount/dst:1");
      assertEquals(4, c.mounted.get(), "config and three layers mounted");
      assertEquals(uploadsBefore, c.uploaded.get());
      try (Registry other = open(home.resolve("o"))) {
        Fixtures.assertSameFiles(unit, other.pull(server.host + "/mount/dst:1"));
      }
    }
  }

  @Test
  void shouldVerifyASignedUnitAfterARoundTripAndRefuseOthers() {
    Path priv = home.resolve("keys/me.pem");
    Path pub = home.resolve("keys/me.pub");
    Path otherPriv = home.resolve("keys/other.pem");
    Registry.generateKeys(priv, pub);
    Registry.generateKeys(otherPriv, home.resolve("keys/other.pub"));
    String ref = server.host + "/signed/app:1";
    try (Registry a = open(home.resolve("a")); Registry b = open(home.resolve("b"))) {
      Descriptor unit = a.push(Fixtures.unit("signed", "s"), ref);
      assertEquals(RegistryException.UNSIGNED, assertThrows(RegistryException.class, () -> b.verify(ref, pub)).code());
      a.sign(ref, otherPriv);
      RegistryException foreign = assertThrows(RegistryException.class, () -> b.verify(ref, pub));
      assertEquals(RegistryException.UNTRUSTED_SIGNER, foreign.code());
      a.sign(ref, priv);

      // Distribution 2.8 has no referrers API: the signatures sit in the sha256-<hex> fallback index
      RemoteClient c = b.client(server.host);
      assertTrue(c.findManifest("signed/app", RemoteClient.fallbackTag(unit.digest())).isPresent());
      assertEquals(2, c.referrers("signed/app", unit.digest()).size());
      assertEquals(unit.digest(), b.verify(ref, pub).digest());

      // pulled into another store, the signatures come along and verify offline
      b.pull(ref);
      assertEquals(unit.digest(), b.verify("" + ref, pub).digest());
      assertFalse(b.ls(server.host + "/signed/app").stream().anyMatch(t -> t.contains("sha256-")));

      // the tag moved to altered content: that manifest is not signed
      a.push(Fixtures.unit("signed", "altered"), ref);
      assertEquals(RegistryException.UNSIGNED, assertThrows(RegistryException.class, () -> b.verify(ref, pub)).code());
    }
  }
}
