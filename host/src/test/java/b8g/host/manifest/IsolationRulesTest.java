package b8g.host.manifest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.host.Host;
import b8g.host.manifest.schema.Isolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The isolation tier: group names, what a component in a worker may be granted, and the same rule
 * applied again when a host forces every component into a worker. (Rejections with their file
 * positions are in {@link BadManifestTest}.)
 */
class IsolationRulesTest {
  @TempDir Path dir;

  @BeforeEach
  void script() throws IOException {
    Files.writeString(dir.resolve("a.js"), "function main(env) {}");
    Files.createDirectories(dir.resolve("tools"));
  }

  private LoadedManifest parse(String text) {
    return ManifestLoader.parse(text, dir.resolve("m.txtpb"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"g", "0", "g1", "io-workers", "a_b-9", "x23456789012345678901234567890123456789012345678901234567890123"})
  void shouldAcceptGroupNames(String group) {
    assertEquals(group, parse("components { name: \"a\" script: \"a.js\" process_group: \"" + group + "\" }")
        .component("a").orElseThrow().processGroup());
  }

  @ParameterizedTest
  @ValueSource(strings = {"G1", "-g", "_g", "g.1", "g 1", "g/1", "é",
      "x234567890123456789012345678901234567890123456789012345678901234"})
  void shouldRejectGroupNamesThatDoNotMatchThePattern(String group) {
    ManifestException e = assertThrows(ManifestException.class,
        () -> parse("components { name: \"a\" script: \"a.js\" process_group: \"" + group + "\" }"));
    assertEquals("manifest.invalid_process_group", e.code());
    assertEquals(1, e.line());
    assertEquals(39, e.column());
    assertTrue(e.detail().contains("[a-z0-9][a-z0-9_-]{0,62}"), e::getMessage);
  }

  @Test
  void shouldGrantAComponentInAWorkerHandlesLogAndSecrets() {
    LoadedManifest m = parse("""
        components { name: "w" script: "a.js" isolation: PROCESS }
        components { name: "p" script: "a.js" }
        regions  { name: "r" size: 64 backing: ANONYMOUS }
        channels { name: "in" backing: ANONYMOUS }
        channels { name: "out" backing: ANONYMOUS }
        grants { component: "w" region: "r" rights: READ rights: WRITE }
        grants { component: "w" channel: "in" rights: READ }
        grants { component: "w" channel: "out" rights: WRITE }
        grants { component: "w" host: LOG }
        links  { from: "p" to: "w" }
        """);
    ComponentSpec w = m.component("w").orElseThrow();
    assertEquals(Isolation.PROCESS, w.isolation());
    assertEquals(4, w.grants().size());
    assertEquals(1, w.secrets().size());
    assertDoesNotThrow(() -> IsolationRules.checkProcessGrants(w));
  }

  @Test
  void shouldRejectTheSameGrantWhenTheHostForcesWorkers() {
    String body = """
        grants { component: "c" host: LOG }
        grants { component: "c" host: RUN paths: "tools" }
        """;
    ManifestException asked = assertThrows(ManifestException.class,
        () -> parse("components { name: \"c\" script: \"a.js\" isolation: PROCESS }\n" + body));
    LoadedManifest inProcess = parse("components { name: \"c\" script: \"a.js\" }\n" + body);
    assertDoesNotThrow(() -> IsolationRules.checkForced(inProcess, null));
    assertDoesNotThrow(() -> IsolationRules.checkForced(inProcess, Isolation.ISOLATION_UNSPECIFIED));
    assertDoesNotThrow(() -> IsolationRules.checkForced(inProcess, Isolation.IN_PROCESS));
    ManifestException forced = assertThrows(ManifestException.class,
        () -> IsolationRules.checkForced(inProcess, Isolation.PROCESS));
    assertEquals("manifest.isolation", asked.code());
    assertEquals(asked.code(), forced.code());
    assertEquals(asked.getMessage(), forced.getMessage());
    assertEquals(new SourceLocation(dir.resolve("m.txtpb"), 3, 1), forced.location());
    assertEquals("component \"c\": env.run grants host capability RUN, which a component in a worker process cannot "
        + "use yet; run it IN_PROCESS or remove the grant.", forced.detail());
  }

  @Test
  void shouldFailAHostLaunchThatForcesWorkersOnAGrantTheyCannotUse() throws IOException {
    Path file = dir.resolve("m.txtpb");
    Files.writeString(file, """
        components { name: "c" script: "a.js" }
        grants { component: "c" host: SNAPSHOT }
        """);
    // The check runs when the context is concluded, before the host opens anything.
    ManifestException e = assertThrows(ManifestException.class,
        () -> Host.launch(new Host.Context().manifest(file).isolation(Isolation.PROCESS)));
    assertEquals("manifest.isolation", e.code());
    assertEquals(2, e.line());
    assertTrue(e.detail().contains("env.snapshot grants host capability SNAPSHOT"), e::getMessage);
  }

  @Test
  void shouldResolveTheTierAHostRunsAComponentIn() {
    LoadedManifest m = parse("""
        components { name: "here" script: "a.js" }
        components { name: "there" script: "a.js" process_group: "g" }
        """);
    ComponentSpec here = m.component("here").orElseThrow();
    ComponentSpec there = m.component("there").orElseThrow();
    assertEquals(Isolation.IN_PROCESS, IsolationRules.effective(here, null));
    assertEquals(Isolation.PROCESS, IsolationRules.effective(there, Isolation.ISOLATION_UNSPECIFIED));
    assertEquals(Isolation.PROCESS, IsolationRules.effective(here, Isolation.PROCESS));
    assertEquals(Isolation.IN_PROCESS, IsolationRules.effective(there, Isolation.IN_PROCESS));
    assertThrows(IllegalArgumentException.class, () -> IsolationRules.effective(here, Isolation.UNRECOGNIZED));
  }
}
