package b8g.host.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scripts and grant paths stay inside the manifest's directory, also through symbolic links. */
class PathSafetyTest {
  @TempDir Path root;
  Path dir;
  Path outside;

  @BeforeEach
  void layout() throws IOException {
    dir = Files.createDirectories(root.resolve("app"));
    outside = Files.createDirectories(root.resolve("elsewhere"));
    Files.writeString(dir.resolve("a.js"), "function main(env) {}");
    Files.writeString(outside.resolve("evil.js"), "function main(env) {}");
    Files.createDirectories(dir.resolve("logs"));
  }

  private ManifestException reject(String text) {
    return assertThrows(ManifestException.class, () -> ManifestLoader.parse(text, dir.resolve("m.txtpb")));
  }

  @Test
  void shouldRejectScriptSymlinkOutOfTheDirectory() throws IOException {
    Files.createSymbolicLink(dir.resolve("link.js"), outside.resolve("evil.js"));
    ManifestException e = reject("components {\n  name: \"a\"\n  script: \"link.js\"\n}\n");
    assertEquals("manifest.path_escapes", e.code());
    assertEquals(3, e.line());
    assertEquals(3, e.column());
    assertTrue(e.detail().contains("symbolic link"), e::getMessage);
  }

  @Test
  void shouldRejectScriptThroughSymlinkedDirectory() throws IOException {
    Files.createSymbolicLink(dir.resolve("lib"), outside);
    ManifestException e = reject("components { name: \"a\" script: \"lib/evil.js\" }");
    assertEquals("manifest.path_escapes", e.code());
    assertEquals(1, e.line());
    assertEquals(24, e.column());
  }

  @Test
  void shouldAcceptSymlinkThatStaysInside() throws IOException {
    Files.createSymbolicLink(dir.resolve("alias.js"), dir.resolve("a.js"));
    LoadedManifest m = ManifestLoader.parse("components { name: \"a\" script: \"alias.js\" }", dir.resolve("m.txtpb"));
    assertEquals(dir.toRealPath().resolve("a.js"), m.component("a").orElseThrow().script());
  }

  @Test
  void shouldRejectDotDotThatLeavesEvenIfItComesBack() {
    ManifestException e = reject("components { name: \"a\" script: \"../app/../elsewhere/evil.js\" }");
    assertEquals("manifest.path_escapes", e.code());
  }

  @Test
  void shouldAcceptDotDotThatStaysInside() {
    LoadedManifest m =
        ManifestLoader.parse("components { name: \"a\" script: \"logs/../a.js\" }", dir.resolve("m.txtpb"));
    assertTrue(m.component("a").orElseThrow().script().endsWith("a.js"));
  }

  @Test
  void shouldAllowWatchOfMissingFileInExistingDirectory() throws IOException {
    LoadedManifest m = ManifestLoader.parse("""
        components { name: "a" script: "a.js" }
        grants { component: "a" host: WATCH paths: "logs/today.log" paths: "logs" }
        """, dir.resolve("m.txtpb"));
    Path logs = dir.toRealPath().resolve("logs");
    assertEquals(List.of(logs.resolve("today.log"), logs), m.grants("a").get(0).paths());
  }

  @Test
  void shouldRejectWatchOfFileInMissingDirectory() {
    ManifestException e = reject("""
        components { name: "a" script: "a.js" }
        grants { component: "a" host: WATCH paths: "nope/today.log" }
        """);
    assertEquals("manifest.path_not_found", e.code());
    assertEquals(2, e.line());
    assertEquals(37, e.column());
    assertTrue(e.detail().contains("its directory must exist"), e::getMessage);
  }

  @Test
  void shouldRejectWatchThroughSymlinkedDirectory() throws IOException {
    Files.createSymbolicLink(dir.resolve("out"), outside);
    ManifestException e = reject("""
        components { name: "a" script: "a.js" }
        grants { component: "a" host: WATCH paths: "out/new.txt" }
        """);
    assertEquals("manifest.path_escapes", e.code());
  }

  @Test
  void shouldRejectPathWithNulCharacter() {
    ManifestException e = reject("components { name: \"a\" script: \"a\\000.js\" }");
    assertEquals("manifest.invalid_path", e.code());
    assertEquals(24, e.column());
    assertTrue(e.detail().contains("a\\x00.js"), e::getMessage);
  }

  @Test
  void shouldGiveRunTheWholeDirectoryWhenNoPathsAreListed() throws IOException {
    LoadedManifest m = ManifestLoader.parse("""
        components { name: "a" script: "a.js" }
        grants { component: "a" host: RUN }
        """, dir.resolve("m.txtpb"));
    assertEquals(List.of(dir.toRealPath()), m.grants("a").get(0).paths());
  }
}
