package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  @TempDir Path home;

  @Test
  void shouldRefuseLimitsThatCannotWork() {
    // a manifest limit near Long.MAX_VALUE overflowed limit + 1 and was read into memory
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Registry.Context().maxManifestBytes(Long.MAX_VALUE));
    assertTrue(e.getMessage().contains("maxManifestBytes " + Long.MAX_VALUE), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Registry.Context().maxManifestBytes(0));
    assertThrows(IllegalArgumentException.class, () -> new Registry.Context().maxBlobBytes(-1));
    assertEquals(Registry.Context.MANIFEST_LIMIT_CAP,
        new Registry.Context().maxManifestBytes(Registry.Context.MANIFEST_LIMIT_CAP).maxManifestBytes());
  }

  @Test
  void shouldWriteAnOciLayoutAndReadTheUnitBack() throws Exception {
    try (Registry reg = Fixtures.open(home)) {
      Unit unit = Fixtures.unit("demo", "1");
      Descriptor d = reg.push(unit, "demo/app:1.0");
      Path store = reg.storePath();
      assertEquals(OciStore.LAYOUT, Files.readString(store.resolve("oci-layout")));
      assertTrue(Files.isRegularFile(store.resolve("blobs/sha256/" + Digest.hex(d.digest()))));
      assertEquals(List.of("demo/app:1.0"), reg.ls(null));
      Fixtures.assertSameFiles(unit, reg.pull("demo/app:1.0"));
      Fixtures.assertSameFiles(unit, reg.pull("demo/app@" + d.digest()));
      assertTrue(reg.inspect("demo/app:1.0").contains(MediaTypes.UNIT));
      assertEquals(List.of(), reg.check());
    }
  }

  @Test
  void shouldStoreIdenticalBlobsOnce() throws Exception {
    try (Registry reg = Fixtures.open(home)) {
      Unit unit = Fixtures.unit("demo", "same");
      reg.push(unit, "a:1");
      long before = countBlobs(reg);
      reg.push(unit, "b:1");
      assertEquals(before, countBlobs(reg));
      assertEquals(List.of("a:1", "b:1"), reg.ls(null));
    }
  }

  @Test
  void shouldRefuseACorruptBlobNamingItsDigestAndKeepOtherContent() throws Exception {
    try (Registry reg = Fixtures.open(home)) {
      Unit good = Fixtures.unit("good", "g");
      reg.push(good, "good:1");
      Unit bad = Fixtures.unit("bad", "b");
      Descriptor d = reg.push(bad, "bad:1");
      OciJson.Manifest m = OciJson.parseManifest(reg.store().blobs().readManifest(d.digest()), "t");
      String layer = m.layers().stream().filter(l -> "main.js".equals(l.title())).findFirst().orElseThrow().digest();
      Files.writeString(reg.store().blobs().path(layer), "async function main(env) { steal(); }\n");

      RegistryException e = assertThrows(RegistryException.class, () -> reg.pull("bad:1"));
      assertEquals(RegistryException.DIGEST_MISMATCH, e.code());
      assertTrue(e.getMessage().contains(layer), e.getMessage());
      assertEquals(1, reg.check().size());
      Fixtures.assertSameFiles(good, reg.pull("good:1"));
    }
  }

  @Test
  void shouldTagUntagAndCollectGarbage() throws Exception {
    try (Registry reg = Fixtures.open(home)) {
      Unit keep = Fixtures.unit("keep", "k");
      reg.push(keep, "keep:1");
      Descriptor gone = reg.push(Fixtures.unit("gone", "g"), "gone:1");
      reg.tag("gone:1", "gone:2");
      assertEquals(1, reg.rm("gone:1"));
      assertTrue(reg.gc().removedBlobs().isEmpty(), "gone:2 still reaches it");
      assertEquals(1, reg.rm("gone:2"));
      // a crash mid-write leaves a temp file; gc takes it away too
      Path crashed = reg.storePath().resolve("blobs/sha256/.tmp-crashed");
      Path writing = reg.storePath().resolve("blobs/sha256/.tmp-in-progress");
      Files.writeString(crashed, "half");
      Files.writeString(writing, "being written");
      Files.setLastModifiedTime(crashed, java.nio.file.attribute.FileTime.from(
          java.time.Instant.now().minus(StoreGc.TEMP_GRACE).minusSeconds(60)));
      GcReport report = reg.gc();
      assertTrue(report.removedBlobs().contains(gone.digest()));
      assertTrue(report.bytesFreed() > 0);
      assertEquals(1, report.removedTempFiles());
      assertFalse(Files.exists(crashed));
      assertTrue(Files.exists(writing), "a temp file of a write in progress is left alone");
      Files.delete(writing);
      assertEquals(List.of(), reg.check());
      Fixtures.assertSameFiles(keep, reg.pull("keep:1"));
      RegistryException e = assertThrows(RegistryException.class, () -> reg.pull("gone:2"));
      assertEquals(RegistryException.NOT_FOUND, e.code());
    }
  }

  @Test
  void shouldKeepSignaturesOnlyWhileTheirSubjectIsReachable() throws Exception {
    try (Registry reg = Fixtures.open(home)) {
      Path priv = home.resolve("k.pem");
      Path pub = home.resolve("k.pub");
      Registry.generateKeys(priv, pub);
      reg.push(Fixtures.unit("demo", "s"), "demo:1");
      Descriptor sig = reg.sign("demo:1", priv);
      reg.verify("demo:1", pub);
      assertTrue(reg.gc().removedBlobs().isEmpty());
      reg.rm("demo:1");
      GcReport r = reg.gc();
      assertEquals(1, r.droppedReferrers());
      assertTrue(r.removedBlobs().contains(sig.digest()));
      assertEquals(List.of(), reg.check());
    }
  }

  @Test
  void shouldRefuseUnsignedForeignSignedAndAlteredUnitsInTheStore() throws Exception {
    try (Registry reg = Fixtures.open(home)) {
      Path priv = home.resolve("k.pem");
      Path pub = home.resolve("k.pub");
      Path otherPriv = home.resolve("o.pem");
      Path otherPub = home.resolve("o.pub");
      Registry.generateKeys(priv, pub);
      Registry.generateKeys(otherPriv, otherPub);
      Descriptor d = reg.push(Fixtures.unit("demo", "v"), "demo:1");
      assertEquals(RegistryException.UNSIGNED, assertThrows(RegistryException.class, () -> reg.verify("demo:1", pub)).code());
      reg.sign("demo:1", otherPriv);
      assertEquals(RegistryException.UNTRUSTED_SIGNER, assertThrows(RegistryException.class, () -> reg.verify("demo:1", pub)).code());
      reg.sign("demo:1", priv);
      assertEquals(d.digest(), reg.verify("demo:1", pub).digest());
      OciJson.Manifest m = OciJson.parseManifest(reg.store().blobs().readManifest(d.digest()), "t");
      Files.write(reg.store().blobs().path(m.layers().get(1).digest()), "altered".getBytes(StandardCharsets.UTF_8));
      assertEquals(RegistryException.DIGEST_MISMATCH, assertThrows(RegistryException.class, () -> reg.verify("demo:1", pub)).code());
    }
  }

  @Test
  void shouldResolveAReferenceToTheDigestPushed() {
    try (Registry reg = Fixtures.open(home)) {
      Descriptor d = reg.push(Fixtures.unit("demo", "r"), "demo/app:1");
      assertEquals(d.digest(), reg.resolve("demo/app:1").digest());
      assertEquals(MediaTypes.UNIT, reg.resolve("demo/app@" + d.digest()).artifactType());
      assertEquals(RegistryException.NOT_FOUND, assertThrows(RegistryException.class, () -> reg.resolve("demo/app:2")).code());
    }
  }

  @Test
  void shouldRefuseKeygenOverAnExistingPublicKeyWithoutLeavingAPrivateOne() throws Exception {
    Path pub = home.resolve("k.pub");
    Files.writeString(pub, "someone's key\n");
    RegistryException e = assertThrows(RegistryException.class, () -> Registry.generateKeys(home.resolve("k.pem"), pub));
    assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
    assertFalse(Files.exists(home.resolve("k.pem")));
    assertEquals("someone's key\n", Files.readString(pub));
  }

  @Test
  void shouldRefuseAPrivateKeyReadableByOthers() throws Exception {
    Path priv = home.resolve("k.pem");
    Registry.generateKeys(priv, home.resolve("k.pub"));
    Files.setPosixFilePermissions(priv, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    try (Registry reg = Fixtures.open(home)) {
      reg.push(Fixtures.unit("demo", "p"), "demo:1");
      RegistryException e = assertThrows(RegistryException.class, () -> reg.sign("demo:1", priv));
      assertEquals(RegistryException.CREDENTIALS, e.code());
      assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }
  }

  @Test
  void shouldRefuseATagWhoseBlobsAreMissingInsteadOfLeavingItDangling() {
    OciStore store = OciStore.open(home.resolve("s"), 4 << 20);
    Unit.Packed p = Fixtures.unit("demo", "d").pack();
    store.blobs().write(p.manifest()); // the manifest, but not its config and layers (a gc took them)
    RegistryException e = assertThrows(RegistryException.class, () -> store.index().tag("demo:1", p.descriptor()));
    assertEquals(RegistryException.NOT_FOUND, e.code());
    assertEquals(List.of(), store.index().tags());
  }

  @Test
  void shouldLeaveNoHalfBlobWhenAWriteFails() {
    OciStore store = OciStore.open(home.resolve("s"), 4 << 20);
    byte[] bytes = "content".getBytes(StandardCharsets.UTF_8);
    RegistryException e = assertThrows(RegistryException.class,
        () -> store.blobs().write(new java.io.ByteArrayInputStream(bytes), Digest.of("other".getBytes(StandardCharsets.UTF_8)), bytes.length));
    assertEquals(RegistryException.DIGEST_MISMATCH, e.code());
    assertFalse(store.blobs().has(Digest.of(bytes)));
    assertEquals(List.of(), StoreGc.verify(store));
  }

  private static long countBlobs(Registry reg) throws Exception {
    try (var s = Files.list(reg.storePath().resolve("blobs/sha256"))) {
      return s.count();
    }
  }
}
