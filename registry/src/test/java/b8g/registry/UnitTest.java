package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitTest {
  @TempDir Path dir;

  @Test
  void shouldPackManifestAndScriptsOnlyAndExtractThemBack() throws Exception {
    Path src = Files.createDirectories(dir.resolve("demo"));
    Files.writeString(src.resolve("app.txtpb"), "name: \"demo\"\n");
    Files.writeString(src.resolve("other.txtpb"), "not this one\n");
    Files.writeString(src.resolve("notes.md"), "not packed\n");
    Files.createDirectories(src.resolve("lib"));
    Files.writeString(src.resolve("lib/a.js"), "function a() {}\n");
    Files.createDirectories(src.resolve(".git"));
    Files.writeString(src.resolve(".git/hook.js"), "hidden\n");
    Files.write(src.resolve("state.b8gi"), new byte[] {1, 2, 3});
    Files.createSymbolicLink(src.resolve("link.js"), dir.resolve("outside.js"));
    Files.writeString(dir.resolve("outside.js"), "outside\n");

    Unit unit = Unit.fromDirectory(src, "app.txtpb");
    assertEquals("demo", unit.name());
    assertEquals(List.of("app.txtpb", "lib/a.js", "state.b8gi"), new ArrayList<>(unit.files().keySet()));

    Unit.Packed packed = unit.pack();
    OciJson.Manifest m = OciJson.parseManifest(packed.manifest(), "test");
    assertEquals(MediaTypes.UNIT, m.artifactType());
    assertEquals(MediaTypes.UNIT_CONFIG, m.config().mediaType());
    assertEquals(List.of(MediaTypes.MANIFEST_TXTPB, MediaTypes.SCRIPT, MediaTypes.IMAGE),
        m.layers().stream().map(Descriptor::mediaType).toList());
    assertTrue(m.annotations().containsKey(MediaTypes.ANNOTATION_CREATED));

    Unit back = Unit.fromOci(m, d -> packed.blobs().get(d.digest()), "test");
    Path out = dir.resolve("out");
    back.extractTo(out);
    assertEquals("function a() {}\n", Files.readString(out.resolve("lib/a.js")));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out.resolve("state.b8gi")));
    assertFalse(Files.exists(out.resolve("other.txtpb")));
  }

  @Test
  void shouldRejectHostilePathsWhenReadingAUnit() {
    for (String hostile : List.of("/etc/passwd.js", "../escape.js", "a/../../b.js", "a//b.js", "./a.js", "a\\b.js", "C:/x.js", "")) {
      RegistryException e = assertThrows(RegistryException.class, () -> readWithTitles(List.of("app.txtpb", hostile)), hostile);
      assertEquals(RegistryException.BAD_UNIT, e.code(), hostile);
    }
    RegistryException dup = assertThrows(RegistryException.class, () -> readWithTitles(List.of("app.txtpb", "a.js", "a.js")));
    assertEquals(RegistryException.BAD_UNIT, dup.code());
    assertTrue(dup.getMessage().contains("two layers"), dup.getMessage());
  }

  @Test
  void shouldRefuseToExtractThroughASymbolicLink() throws Exception {
    Path target = Files.createDirectories(dir.resolve("t"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.createSymbolicLink(target.resolve("lib"), elsewhere);
    Unit unit = Fixtures.unit("demo", "x");
    RegistryException e = assertThrows(RegistryException.class, () -> unit.extractTo(target));
    assertEquals(RegistryException.BAD_UNIT, e.code());
    try (var s = Files.list(elsewhere)) {
      assertEquals(0, s.count());
    }
  }

  @Test
  void shouldRejectANewerFormatVersion() {
    Unit.Packed p = Fixtures.unit("demo", "x").pack();
    OciJson.Manifest m = OciJson.parseManifest(p.manifest(), "t");
    byte[] config = "{\"name\":\"demo\",\"manifest\":\"app.txtpb\",\"formatVersion\":2}".getBytes(StandardCharsets.UTF_8);
    RegistryException e = assertThrows(RegistryException.class,
        () -> Unit.fromOci(m, d -> d.digest().equals(m.config().digest()) ? config : p.blobs().get(d.digest()), "t"));
    assertTrue(e.getMessage().contains("newer"), e.getMessage());
  }

  private static Unit readWithTitles(List<String> titles) {
    Map<String, byte[]> blobs = new HashMap<>();
    byte[] config = ("{\"name\":\"x\",\"manifest\":\"app.txtpb\",\"formatVersion\":1}").getBytes(StandardCharsets.UTF_8);
    Descriptor cd = new Descriptor(MediaTypes.UNIT_CONFIG, Digest.of(config), config.length);
    blobs.put(cd.digest(), config);
    List<Descriptor> layers = new ArrayList<>();
    for (String t : titles) {
      byte[] b = t.getBytes(StandardCharsets.UTF_8);
      blobs.put(Digest.of(b), b);
      String mt = t.endsWith(".txtpb") ? MediaTypes.MANIFEST_TXTPB : MediaTypes.SCRIPT;
      layers.add(new Descriptor(mt, Digest.of(b), b.length, null, Map.of(MediaTypes.ANNOTATION_TITLE, t)));
    }
    byte[] manifest = OciJson.manifestBytes(MediaTypes.UNIT, cd, layers, null, Map.of());
    return Unit.fromOci(OciJson.parseManifest(manifest, "t"), d -> blobs.get(d.digest()), "t");
  }
}
