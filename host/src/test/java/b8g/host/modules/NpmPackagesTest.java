package b8g.host.modules;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import b8g.host.HostFixture;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.ManifestLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real npm packages, unchanged, in components: src/test/npm holds package.json and
 * package-lock.json; the build's npm ci (generate-test-resources) installs node_modules. Each
 * expected line is what Node 20 printed for the same script.
 */
class NpmPackagesTest extends HostFixture {
  static final Path NPM = Path.of("src/test/npm").toAbsolutePath();

  @Test
  void shouldRunPopularPackagesUnchangedWithNodesOutput() throws Exception {
    assertTrue(Files.isDirectory(NPM.resolve("node_modules/lodash-es")),
        "src/test/npm/node_modules is missing: the build runs npm ci there (exec-maven-plugin); is npm installed?");
    Map<String, ExitStatus> done;
    try (Host h = launch(NPM.resolve("packages.txtpb"))) {
      done = finish(h);
    }
    done.forEach((n, s) -> assertTrue(s.success(), n + " " + s + " log " + log));
    assertEquals(List.of(
        "[cjs] semver 1.4.0 true",
        "[cjs] yaml {\"a\":1,\"b\":[\"x\",\"y\"]} \"k:\\n  - 1\\n  - 2\\n\"",
        "[cjs] zod {\"name\":\"ada\",\"age\":36} false age",
        "[cjs] date-fns 2024-02-02",
        "[cjs] dayjs 2024-02-29",
        "[cjs] ms 172800000 2m",
        "[cjs] qs a%5B0%5D=1&a%5B1%5D=2&b%5Bc%5D=d%20e {\"x\":{\"y\":\"1\"},\"z\":\"2\"}",
        "[cjs] js-yaml {\"list\":[\"one\",\"two\"]}",
        "[cjs] mustache Hi b8g [1] [2]",
        "[cjs] decimal 0.3 1.41421356237309504880",
        "[cjs] immer {\"list\":[1],\"deep\":{\"v\":1}} {\"list\":[1,2],\"deep\":{\"v\":2}} true",
        "[cjs] uuid 2d88ef0a-0723-5ae3-bd89-389c7d9a5833 true"), lines("[cjs]"));
    assertEquals(List.of(
        "[esm] lodash-es [[1,2],[3,4],[5]] fooBarBaz {\"4\":[4.2],\"6\":[6.1,6.3]} [3,6]",
        "[esm] nanoid 21 true"), lines("[esm]"));
  }

  // marked needs ICU (Unicode property escapes, /\p{L}/u): the i18n V8 build.
  @Test
  void shouldRenderMarkdownWithMarked() throws Exception {
    try (Host h = launch(NPM.resolve("marked.txtpb"))) {
      finish(h).forEach((n, s) -> assertTrue(s.success(), n + " " + s + " log " + log));
    }
    assertEquals(List.of("[marked] marked \"<h1>Title</h1>\\n<p>Some <em>emphasis</em> and <code>code</code>.</p>\\n\""), log);
  }

  private List<String> lines(String prefix) {
    synchronized (log) {
      return log.stream().filter(l -> l.startsWith(prefix)).toList();
    }
  }

  // uuid v4 and nanoid (its browser build, which b8g takes) need crypto.getRandomValues.
  @Test
  void shouldMakeRandomIdsWithUuidAndNanoid() throws Exception {
    try (Host h = launch(NPM.resolve("crypto.txtpb"))) {
      finish(h).forEach((n, s) -> assertTrue(s.success(), n + " " + s + " log " + log));
    }
    assertEquals(List.of("[crypto] uuid true 4", "[crypto] nanoid true"), log);
  }

  @Test
  void shouldLoadLargeGraphsInAWorkerProcess() throws Exception {
    // lodash-es's index alone is 640 files: one ModuleFile frame each. Evaluating them is one turn,
    // which on a starved machine can outlast the default CPU limit's wall backstop (10 s); that
    // limit is not under test here, so the same manifest runs with a larger one.
    LoadedManifest manifest = ManifestLoader.parse(Files.readString(NPM.resolve("packages.txtpb"))
        + "default_limits { cpu_ms_per_turn: 60000 }\n", NPM.resolve("packages-in-workers.txtpb"));
    try (Host h = Host.launch(new Host.Context().manifest(manifest).log(log::add).events(events::add)
        .isolation(b8g.host.manifest.schema.Isolation.PROCESS))) {
      finish(h).forEach((n, s) -> assertTrue(s.success(), n + " " + s + " log " + log));
    }
    assertTrue(log.contains("[esm] lodash-es [[1,2],[3,4],[5]] fooBarBaz {\"4\":[4.2],\"6\":[6.1,6.3]} [3,6]"), log.toString());
    assertTrue(log.contains("[cjs] uuid 2d88ef0a-0723-5ae3-bd89-389c7d9a5833 true"), log.toString());
  }

  // SourceLimits refuses modules nesting deeper than 256 or larger than 4 MiB: the real packages stay well below (66, 1 MB).
  @Test
  void shouldKeepRealPackagesWellWithinTheSourceLimits() throws Exception {
    int deepest = 0;
    String where = "";
    long largest = 0;
    try (var files = Files.walk(NPM.resolve("node_modules"))) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().matches(".*\\.(js|mjs|cjs|ts|mts|cts)$") && Files.isRegularFile(f))::iterator) {
        String text = Files.readString(p);
        largest = Math.max(largest, text.length());
        int d = SourceLimits.check(text, p.toString());
        if (d > deepest) {
          deepest = d;
          where = p.toString();
        }
      }
    }
    assertTrue(deepest > 5 && deepest <= SourceLimits.MAX_NESTING / 3, "deepest " + deepest + " in " + where);
    assertTrue(largest < SourceLimits.MAX_CHARS / 2, "largest " + largest);
  }
}
