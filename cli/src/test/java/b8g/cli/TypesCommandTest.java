package b8g.cli;

import static org.junit.jupiter.api.Assertions.*;

import b8g.host.manifest.EnvTypes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code b8g types} and b8g.d.ts against the real TypeScript compiler: every example type-checks
 * under {@code tsc --strict} with the Env interfaces generated from its manifest, the TypeScript
 * example compiles to exactly the script it runs, and code that oversteps its grants is rejected.
 *
 * <p>tsc comes from npm, pinned by {@code src/test/typescript/package-lock.json} and installed into
 * {@code target/typescript} by this module's generate-test-resources phase ({@code npm ci}).
 */
class TypesCommandTest {
  static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples");
  static final Path TSC = Path.of("target/typescript/node_modules/.bin/tsc").toAbsolutePath();

  /** What the README recommends for JavaScript components: checkJs, and nothing but ECMAScript 2023. */
  static final String TSCONFIG = """
      {
        "compilerOptions": {
          "strict": true, "noEmit": true, "allowJs": true, "checkJs": true,
          "target": "es2023", "lib": ["es2023"], "types": [],
          "module": "esnext", "moduleResolution": "bundler", "moduleDetection": "force"
        },
        "include": ["*.js", "*.ts"]
      }
      """;

  @TempDir Path tmp;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeAll
  static void typescriptIsInstalled() {
    assertTrue(Files.isExecutable(TSC), TSC + " is missing: run the tests through Maven (mvn -pl cli test), whose "
        + "generate-test-resources phase installs TypeScript with `npm ci` (npm must be on the PATH)");
  }

  int b8g(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** Runs tsc with {@code args} in {@code dir}; returns its exit code, its output in {@code output}. */
  static int tsc(Path dir, StringBuilder output, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(TSC.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "tsc did not finish");
    return p.exitValue();
  }

  /** A copy of the example's directory with env.d.ts and b8g.d.ts written by `b8g types`. */
  Path typed(Path manifest) throws IOException {
    Path dir = tmp.resolve(manifest.getParent().getFileName());
    try (Stream<Path> files = Files.list(manifest.getParent())) {
      Files.createDirectories(dir);
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f) && !f.getFileName().toString().endsWith(".d.ts")) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
    Path modules = manifest.getParent().resolve("node_modules");
    if (Files.isDirectory(modules)) {
      Files.createSymbolicLink(dir.resolve("node_modules"), modules); // an example's npm packages (their types)
    }
    Path copy = dir.resolve(manifest.getFileName());
    assertEquals(0, b8g("types", copy.toString()), err.toString());
    assertTrue(Files.exists(dir.resolve("env.d.ts")) && Files.exists(dir.resolve(EnvTypes.DECLARATIONS)), out.toString());
    return dir;
  }

  @TestFactory
  Stream<DynamicTest> everyExampleTypeChecksUnderStrict() throws IOException {
    List<Path> manifests = new ArrayList<>();
    try (Stream<Path> s = Files.walk(EXAMPLES)) {
      s.filter(p -> p.toString().endsWith(".txtpb")).sorted().forEach(manifests::add);
    }
    assertTrue(manifests.size() >= 7, "expected at least seven example manifests, found " + manifests);
    return manifests.stream().map(m -> DynamicTest.dynamicTest(EXAMPLES.relativize(m).toString(), () -> {
      Path dir = typed(m);
      // An example with its own tsconfig.json (TypeScript sources) is checked by it; the others as JavaScript.
      if (!Files.exists(dir.resolve("tsconfig.json"))) {
        Files.writeString(dir.resolve("tsconfig.json"), TSCONFIG);
      }
      StringBuilder o = new StringBuilder();
      assertEquals(0, tsc(dir, o, "-p", ".", "--noEmit"), "tsc --strict on " + m + ":\n" + o);
    }));
  }

  @Test
  void theTypeScriptExampleCompilesToTheScriptItRuns() throws Exception {
    Path example = EXAMPLES.resolve("types-check");
    Path dir = typed(example.resolve("types-check.txtpb"));
    StringBuilder o = new StringBuilder();
    assertEquals(0, tsc(dir, o, "-p", ".", "--outDir", "out"), o.toString());
    assertEquals(Files.readString(example.resolve("stats.js")), Files.readString(dir.resolve("out/stats.js")),
        "examples/types-check/stats.js is not what tsc makes of stats.ts: run b8g types and tsc -p there");
  }

  @Test
  void shouldWriteAnEnvInterfacePerComponentFromItsGrants() throws Exception {
    Files.writeString(tmp.resolve("a.js"), "async function main(env) {}");
    Files.writeString(tmp.resolve("m.txtpb"), """
        components { name: "pipeline_source" script: "a.js" }
        components { name: "pipelineSource" script: "a.js" }
        regions { name: "table" size: 64 backing: ANONYMOUS }
        channels { name: "c" capacity: 4096 backing: ANONYMOUS }
        grants { component: "pipeline_source" region: "table" rights: READ rights: WRITE as: "rw" }
        grants { component: "pipeline_source" region: "table" rights: READ as: "ro" }
        grants { component: "pipeline_source" region: "table" rights: WRITE as: "wo" }
        grants { component: "pipeline_source" channel: "c" rights: WRITE as: "out" }
        grants { component: "pipelineSource" channel: "c" rights: READ as: "in" }
        grants { component: "pipeline_source" host: RUN }
        grants { component: "pipeline_source" host: WATCH }
        grants { component: "pipeline_source" host: LOG }
        grants { component: "pipeline_source" host: SNAPSHOT as: "snap" }
        links { from: "pipeline_source" to: "pipelineSource" }
        """);
    Path envFile = tmp.resolve("types/env.d.ts");
    assertEquals(0, b8g("types", tmp.resolve("m.txtpb").toString(), "-o", envFile.toString()), err.toString());
    String env = Files.readString(envFile);
    assertTrue(env.startsWith("/// <reference path=\"./b8g.d.ts\" />\n"), env);
    for (String line : List.of(
        "export interface PipelineSourceEnv extends EnvBase {", "  readonly rw: Region;", "  readonly ro: ReadOnlyRegion;",
        "  readonly wo: WriteOnlyRegion;", "  readonly out: ChannelWriter;", "  readonly run: Run;", "  readonly watch: Watch;",
        "  readonly log: Log;", "  readonly snap: Snapshot;",
        // The same PascalCase name is taken: the second component gets Env_ and its name as written.
        "export interface Env_pipelineSource extends EnvBase {", "  readonly in: ChannelReader;",
        "  readonly pipeline_source_secret: string;",
        "  \"pipeline_source\": PipelineSourceEnv;", "  \"pipelineSource\": Env_pipelineSource;")) {
      assertTrue(env.contains(line + "\n"), "missing `" + line + "` in\n" + env);
    }
    assertEquals(EnvTypes.declarations(), Files.readString(tmp.resolve("types/b8g.d.ts")));
  }

  @Test
  void shouldRefuseAnOutputThatWouldOverwriteTheDeclarations() throws Exception {
    Files.writeString(tmp.resolve("a.js"), "async function main(env) {}");
    Files.writeString(tmp.resolve("m.txtpb"), "components { name: \"a\" script: \"a.js\" }\n");
    assertEquals(2, b8g("types", tmp.resolve("m.txtpb").toString(), "-o", tmp.resolve("b8g.d.ts").toString()));
    assertTrue(err.toString().contains("would overwrite b8g.d.ts"), err.toString());
  }

  @Test
  void theGlobalsTypeCheckAsTheirStandardsSpecify() throws Exception {
    Files.writeString(tmp.resolve("g.js"), "async function main(env) {}");
    Files.writeString(tmp.resolve("m.txtpb"), """
        components { name: "g" script: "g.js" }
        channels { name: "c" capacity: 4096 backing: ANONYMOUS }
        grants { component: "g" channel: "c" rights: READ as: "in" }
        """);
    assertEquals(0, b8g("types", tmp.resolve("m.txtpb").toString()), err.toString());
    Files.writeString(tmp.resolve("tsconfig.json"), TSCONFIG);
    Files.writeString(tmp.resolve("g.ts"), """
        async function main(env: import('./env').GEnv): Promise<void> {
          const url = new URL('/a?x=1', 'https://example.org');
          const x: string | null = url.searchParams.get('x');
          const bytes: Uint8Array = new TextEncoder().encode(btoa(atob('aGk=')) + x);
          const digest: ArrayBuffer = await crypto.subtle.digest('SHA-256', bytes);
          const key = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
          const ok: boolean = await crypto.subtle.verify('HMAC', key, await crypto.subtle.sign('HMAC', key, bytes), bytes);
          const id: string = crypto.randomUUID();
          crypto.getRandomValues(new Uint32Array(4));
          const controller = new AbortController();
          controller.signal.addEventListener('abort', (e: Event) => reportError(e.type));
          controller.abort(new DOMException('stop', 'AbortError'));
          const text = ReadableStream.from(['a', 'b']).pipeThrough(new TextEncoderStream())
              .pipeThrough(new CompressionStream('gzip')).pipeThrough(new DecompressionStream('gzip'))
              .pipeThrough(new TextDecoderStream());
          for await (const chunk of text) console.log(chunk.toUpperCase());
          const copy = structuredClone({ digest, ok, id, at: performance.now() });
          const blob = new Blob([bytes, 'tail'], { type: 'text/plain' });
          const timer = setInterval(() => clearInterval(timer), 10);
          queueMicrotask(() => console.log(copy.id, navigator.userAgent, self === globalThis));
          const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
          console.log(await blob.text(), memory.buffer.byteLength, require('./x'));
          for await (const msg of env.in) console.log(typeof msg === 'string' ? msg : msg.byteLength);
          const sink = new WritableStream<string>({ write(chunk) { console.log(chunk); } });
          await sink.getWriter().write('done');
        }
        """);
    Files.delete(tmp.resolve("g.js"));
    StringBuilder o = new StringBuilder();
    assertEquals(0, tsc(tmp, o, "-p", "."), o.toString());
    // And nothing of the DOM or of fetch.
    Files.writeString(tmp.resolve("g.ts"), "async function main(): Promise<void> { await fetch('https://example.org'); document.title = ''; }\n");
    o.setLength(0);
    assertNotEquals(0, tsc(tmp, o, "-p", "."), o.toString());
    assertTrue(o.toString().contains("Cannot find name 'fetch'") && o.toString().contains("Cannot find name 'document'"), o.toString());
  }

  @Test
  void aNetGrantTypesConnectListenAndFetchAndRejectsMisuse() throws Exception {
    Files.writeString(tmp.resolve("client.js"), "async function main(env) {}");
    Files.writeString(tmp.resolve("m.txtpb"), """
        components { name: "client" script: "client.js" }
        grants { component: "client" host: NET allow: ["127.0.0.1:8080", "api.example.com:443"] as: "net" }
        """);
    assertEquals(0, b8g("types", tmp.resolve("m.txtpb").toString()), err.toString());
    String env = Files.readString(tmp.resolve("env.d.ts"));
    assertTrue(env.contains("  /** host NET to 127.0.0.1:8080, api.example.com:443 */\n  readonly net: Net;\n"), env);
    Files.writeString(tmp.resolve("tsconfig.json"), TSCONFIG);
    Files.writeString(tmp.resolve("client.js"), """
        // @ts-check
        /** @param {import('./env').ClientEnv} env */
        async function main(env) {
          const { fetch } = env.net;
          const r = await fetch(new Request('https://api.example.com/v1', { method: 'POST', body: 'x', headers: new Headers({ a: 'b' }) }));
          const n = (await r.text()).length + r.status + (r.headers.get('x') ?? '').length;
          const c = await env.net.connect('127.0.0.1', 8080);
          for await (const chunk of c.reader) { c.writer.write(chunk); }
          await c.writer.close();
          const l = await env.net.listen('127.0.0.1', 0);
          for await (const conn of l) { conn.close(); }
          return n + l.port + new Response(null, { status: 204 }).status;
        }
        """);
    StringBuilder o = new StringBuilder();
    assertEquals(0, tsc(tmp, o, "-p", "."), o.toString());
    Files.writeString(tmp.resolve("client.js"), """
        // @ts-check
        /** @param {import('./env').ClientEnv} env */
        async function main(env) {
          await env.net.connect(8080);
          await env.net.fetch('http://x/', { redirect: 'sometimes' });
          env.net.listen('127.0.0.1', 0).port;
        }
        """);
    o.setLength(0);
    assertNotEquals(0, tsc(tmp, o, "-p", "."), o.toString());
    for (String error : List.of("client.js(4,", "client.js(5,", "client.js(6,")) {
      assertTrue(o.toString().contains(error), "expected an error at `" + error + "` in\n" + o);
    }
  }

  @Test
  void tscShouldRejectWhatTheGrantsDoNotAllow() throws Exception {
    Files.writeString(tmp.resolve("reader.js"), "async function main(env) {}");
    Files.writeString(tmp.resolve("m.txtpb"), """
        components { name: "reader" script: "reader.js" }
        regions { name: "table" size: 64 backing: ANONYMOUS }
        channels { name: "c" capacity: 4096 backing: ANONYMOUS }
        grants { component: "reader" region: "table" rights: READ }
        grants { component: "reader" channel: "c" rights: READ as: "in" }
        """);
    assertEquals(0, b8g("types", tmp.resolve("m.txtpb").toString()), err.toString());
    Files.writeString(tmp.resolve("tsconfig.json"), TSCONFIG);
    // One line per violation; each must be an error on its own line.
    Files.writeString(tmp.resolve("reader.js"), """
        // @ts-check
        /** @param {import('./env').ReaderEnv} env */
        async function main(env) {
          env.table.write(0, 'x');
          new Uint8Array(env.table.buffer);
          env.run('other.js', {});
          env.in.tryWrite('x');
          const n = env.table.read(0, 4).length + 1;
          return n;
        }
        """);
    StringBuilder o = new StringBuilder();
    assertNotEquals(0, tsc(tmp, o, "-p", "."), o.toString());
    String report = o.toString();
    for (String error : List.of(
        "reader.js(4,13): error TS2339: Property 'write' does not exist on type 'ReadOnlyRegion'.",
        "reader.js(5,28): error TS2339: Property 'buffer' does not exist on type 'ReadOnlyRegion'.",
        "reader.js(6,7): error TS2339: Property 'run' does not exist on type 'ReaderEnv'.",
        "reader.js(7,10): error TS2339: Property 'tryWrite' does not exist on type 'ChannelReader<Message>'.")) {
      assertTrue(report.contains(error), "expected `" + error + "` in\n" + report);
    }
    assertEquals(4, report.lines().filter(l -> l.contains("error TS")).count(), report);
  }
}
