package b8g.host.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Limits;
import b8g.host.manifest.schema.Backing;
import b8g.host.manifest.schema.HostCapability;
import b8g.host.manifest.schema.Isolation;
import b8g.host.manifest.schema.RestartPolicy;
import b8g.host.manifest.schema.Right;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {
  private static final Path TEXT = Manifests.resource("good/pipeline.txtpb");
  private static final Path JSON = Manifests.resource("good/pipeline.json");

  @Test
  void shouldLoadTextAndJsonToEqualProtos() {
    LoadedManifest text = ManifestLoader.load(TEXT);
    LoadedManifest json = ManifestLoader.load(JSON);
    assertEquals(text.manifest(), json.manifest());
    assertEquals(2, text.manifest().getComponentsCount());
    assertEquals(Reachability.describe(text), Reachability.describe(json));
  }

  @Test
  void shouldResolveComponents() throws IOException {
    LoadedManifest m = ManifestLoader.load(TEXT);
    Path dir = TEXT.getParent().toRealPath();
    assertEquals(dir, m.directory());
    assertEquals(TEXT, m.file());

    ComponentSpec source = m.component("source").orElseThrow();
    assertEquals(dir.resolve("source.js"), source.script());
    assertTrue(source.script().isAbsolute());
    // heap from the host, cpu from default_limits
    assertEquals(Limits.of(64, 500), source.limits());
    assertEquals(RestartPolicy.Mode.NEVER, source.restartMode());
    assertEquals(0, source.maxRestarts());
    assertEquals(new SourceLocation(TEXT, 2, 1), source.location());
    assertEquals(new SourceLocation(TEXT, 2, 30), source.scriptLocation());
    assertEquals(Isolation.IN_PROCESS, source.isolation(), "no isolation field: in process");
    assertEquals("", source.processGroup());

    ComponentSpec sink = m.component("sink").orElseThrow();
    assertEquals(Limits.of(32, 500), sink.limits());
    assertEquals(RestartPolicy.Mode.ON_FAILURE, sink.restartMode());
    assertEquals(3, sink.maxRestarts());
    assertEquals(List.of("source"), sink.after());
    assertEquals(Isolation.PROCESS, sink.isolation(), "a process_group implies PROCESS");
    assertEquals("io", sink.processGroup());
    assertEquals(Limits.of(64, 500), m.defaultLimits());
    assertEquals(Optional.empty(), m.component("nobody"));
  }

  @Test
  void shouldResolveChannelEndsAndRegions() {
    LoadedManifest m = ManifestLoader.load(TEXT);
    ChannelSpec numbers = m.channel("numbers").orElseThrow();
    assertEquals(Optional.of("source"), numbers.writer());
    assertEquals(Optional.of("sink"), numbers.reader());
    assertEquals(65536, numbers.capacity());
    ChannelSpec results = m.channel("results").orElseThrow();
    assertEquals(Optional.of("sink"), results.writer());
    assertEquals(Optional.empty(), results.reader(), "no reader granted: the host holds that end");
    assertEquals(ChannelSpec.DEFAULT_CAPACITY, results.capacity());

    RegionSpec table = m.region("table").orElseThrow();
    assertEquals(Backing.SHM_FILE, table.backing());
    assertEquals(Optional.of("b8g-table"), table.file());
    assertEquals(Set.of(Right.READ), table.maxRights());
    assertEquals(List.of("sink", "source"), table.readers());
    assertEquals(List.of(), table.writers());
  }

  @Test
  void shouldResolveGrantsWithDefaultNamesAndPaths() throws IOException {
    LoadedManifest m = ManifestLoader.load(TEXT);
    Path dir = m.directory();
    List<GrantSpec> source = m.grants("source");
    assertEquals(List.of("out", "table", "run", "watch"), source.stream().map(GrantSpec::env).toList());
    GrantSpec out = source.get(0);
    assertEquals(GrantSpec.Kind.CHANNEL, out.kind());
    assertEquals("numbers", out.target());
    assertEquals(Set.of(Right.WRITE), out.rights());
    assertEquals(Optional.empty(), out.host());
    GrantSpec run = source.get(2);
    assertEquals(Optional.of(HostCapability.RUN), run.host());
    assertEquals(List.of(dir.resolve("tools")), run.paths());
    GrantSpec watch = source.get(3);
    assertEquals(List.of(dir.resolve("later.txt")), watch.paths(), "a watched file may not exist yet");
    assertFalse(Files.exists(watch.paths().get(0)));

    ComponentSpec sink = m.component("sink").orElseThrow();
    assertEquals(List.of("in", "results", "table", "log"), sink.grants().stream().map(GrantSpec::env).toList());
    assertEquals(List.of(new LinkSpec("source", "sink", "source_secret", new SourceLocation(TEXT, 22, 1))),
        sink.secrets());
    assertEquals(m.links(), sink.secrets());
    assertEquals(List.of(), m.grants("nobody"));
  }

  @Test
  void shouldLocateFieldsByPath() {
    LoadedManifest m = ManifestLoader.load(TEXT);
    assertEquals(new SourceLocation(TEXT, 6, 12), m.locate("components[1].limits.heap_mib"));
    assertEquals(new SourceLocation(TEXT, 8, 3), m.locate("components[1].after[0]"));
    // not written: falls back to the nearest ancestor that is
    assertEquals(new SourceLocation(TEXT, 6, 3), m.locate("components[1].limits.cpu_ms_per_turn"));
    assertEquals(new SourceLocation(TEXT, 1, 1), m.locate("no_such_field"));
    assertEquals(new SourceLocation(TEXT, 3, 1), m.location("sink"));
    assertEquals(0, m.location("nobody").line());
    LoadedManifest json = ManifestLoader.load(JSON);
    assertEquals(new SourceLocation(JSON, 4, 5), json.location("sink"));
    assertEquals(new SourceLocation(JSON, 4, 54), json.locate("components[1].limits.heap_mib"));
  }

  @Test
  void shouldResolveIsolationTiersFromTextAndJson(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.js"), "function main(env) {}");
    LoadedManifest text = ManifestLoader.parse("""
        components { name: "plain" script: "a.js" }
        components { name: "inside" script: "a.js" isolation: IN_PROCESS }
        components { name: "alone" script: "a.js" isolation: PROCESS }
        components { name: "grouped" script: "a.js" process_group: "g1" }
        components { name: "both" script: "a.js" isolation: PROCESS process_group: "g1" }
        components { name: "empty_group" script: "a.js" isolation: PROCESS process_group: "" }
        """, dir.resolve("m.txtpb"));
    LoadedManifest json = ManifestLoader.parse("""
        {"components": [
          {"name": "plain", "script": "a.js"},
          {"name": "inside", "script": "a.js", "isolation": "IN_PROCESS"},
          {"name": "alone", "script": "a.js", "isolation": "PROCESS"},
          {"name": "grouped", "script": "a.js", "process_group": "g1"},
          {"name": "both", "script": "a.js", "isolation": "PROCESS", "processGroup": "g1"},
          {"name": "empty_group", "script": "a.js", "isolation": 2, "processGroup": ""}
        ]}
        """, dir.resolve("m.json"));
    assertEquals(text.manifest(), json.manifest());
    for (LoadedManifest m : List.of(text, json)) {
      List<String> tiers = m.components().stream().map(c -> c.isolation() + " " + c.processGroup()).toList();
      assertEquals(List.of("IN_PROCESS ", "IN_PROCESS ", "PROCESS ", "PROCESS g1", "PROCESS g1", "PROCESS "), tiers);
    }
    assertEquals(new SourceLocation(text.file(), 4, 45), text.locate("components[3].process_group"));
  }

  @Test
  void shouldStartComponentsAfterThoseTheyWaitFor(@TempDir Path dir) throws IOException {
    for (String s : List.of("a", "b", "c", "d")) {
      Files.writeString(dir.resolve(s + ".js"), "function main(env) {}");
    }
    LoadedManifest m = ManifestLoader.parse("""
        components { name: "a" script: "a.js" after: "c" }
        components { name: "b" script: "b.js" }
        components { name: "c" script: "c.js" after: "d" after: "b" }
        components { name: "d" script: "d.js" }
        """, dir.resolve("order.txtpb"));
    assertEquals(List.of("b", "d", "c", "a"), m.startOrder().stream().map(ComponentSpec::name).toList());
    assertEquals(List.of("a", "b", "c", "d"), m.components().stream().map(ComponentSpec::name).toList());
  }

  @Test
  void shouldRejectMissingFile(@TempDir Path dir) {
    Path file = dir.resolve("absent.txtpb");
    ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.load(file));
    assertEquals("manifest.not_found", e.code());
    assertEquals(0, e.line());
    assertTrue(e.getMessage().startsWith(file + ": no such file"), e::getMessage);
  }

  @Test
  void shouldRejectTooLargeFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("big.txtpb");
    Files.writeString(file, "#".repeat(ManifestLoader.MAX_BYTES) + "\n");
    ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.load(file));
    assertEquals("manifest.too_large", e.code());
    assertTrue(e.detail().contains("1 MiB"), e::getMessage);
    ManifestException p = assertThrows(ManifestException.class,
        () -> ManifestLoader.parse("#".repeat(ManifestLoader.MAX_BYTES + 1), file));
    assertEquals("manifest.too_large", p.code());
  }

  @Test
  void shouldRejectInvalidUtf8WithItsPosition(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.txtpb");
    byte[] head = "components {\n  name: \"caf".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] bytes = new byte[head.length + 3];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length] = (byte) 0xe9; // é in Latin-1, invalid as UTF-8 here
    bytes[head.length + 1] = '"';
    bytes[head.length + 2] = '}';
    Files.write(file, bytes);
    ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.load(file));
    assertEquals("manifest.encoding", e.code());
    assertEquals(2, e.line());
    assertEquals(13, e.column());
    assertTrue(e.detail().contains("0xe9"), e::getMessage);
  }

  @Test
  void shouldAcceptByteOrderMarkAndJsonNames(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.js"), "function main(env) {}");
    LoadedManifest m = ManifestLoader.parse(
        "\uFEFF{\"components\": [{\"name\": \"a\", \"script\": \"a.js\", \"limits\": {\"cpu_ms_per_turn\": 7}}]}",
        dir.resolve("m.json"));
    assertEquals(7, m.component("a").orElseThrow().limits().cpuMillisPerTurn());
  }

  @Test
  void shouldLocateListFormElementsAtTheirList(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.js"), "function main(env) {}");
    ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.parse("""
        # the parser merges list elements, so the error points at the list
        components: [
          { name: "a" script: "a.js" },
          { name: "b" script: "zz.js" }
        ]
        """, dir.resolve("m.txtpb")));
    assertEquals("manifest.script_not_found", e.code());
    assertEquals(2, e.line());
    assertEquals(1, e.column());
    assertTrue(e.detail().contains("component \"b\""), e::getMessage);
  }

  @Test
  void shouldRejectUnknownTopLevelJsonField(@TempDir Path dir) {
    ManifestException e = assertThrows(ManifestException.class,
        () -> ManifestLoader.parse("{\n  \"component\": []\n}", dir.resolve("m.json")));
    assertEquals("manifest.unknown_field", e.code());
    assertEquals(2, e.line());
    assertEquals(3, e.column());
    assertTrue(e.detail().contains("Did you mean \"components\"?"), e::getMessage);
  }

  @Test
  void shouldFormatLocations() {
    Path f = Path.of("dir", "m.txtpb");
    assertEquals("dir/m.txtpb:12:5", new SourceLocation(f, 12, 5).toString());
    assertEquals("dir/m.txtpb", SourceLocation.unknown(f).toString());
    ManifestException e = new ManifestException("manifest.x", new SourceLocation(f, 3, 4), "bad; fix it.");
    assertEquals("dir/m.txtpb:3:4: bad; fix it.", e.getMessage());
    assertEquals(f, e.file());
  }

  @Test
  void shouldRejectDeeplyNestedInputWithoutExhaustingTheStack(@TempDir Path dir) {
    ManifestException text = assertThrows(ManifestException.class,
        () -> ManifestLoader.parse("x {".repeat(100_000), dir.resolve("m.txtpb")));
    assertEquals("manifest.syntax", text.code());
    assertTrue(text.detail().contains("nested too deep"), text::getMessage);
    ManifestException json = assertThrows(ManifestException.class,
        () -> ManifestLoader.parse("{\"components\": " + "[".repeat(100_000), dir.resolve("m.json")));
    assertEquals("manifest.syntax", json.code());
    assertEquals(1, json.line());
    assertEquals(16 + JsonSource.MAX_DEPTH, json.column());
    assertTrue(json.detail().contains("nesting deeper than"), json::getMessage);
  }
}
