package b8g.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples");
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void shouldRunAnExampleAndExitZero() {
    assertEquals(0, run("run", EXAMPLES.resolve("hello/hello.txtpb").toString()), err.toString());
    assertTrue(out.toString().contains("[hello] hello from an isolated component"), out.toString());
  }

  @Test
  void shouldExitOneWhenAComponentFails(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.js"), "async function main(env) { throw new RangeError('nope'); }");
    Files.writeString(dir.resolve("m.txtpb"), "components { name: \"bad\" script: \"bad.js\" }\n");
    assertEquals(1, run("run", dir.resolve("m.txtpb").toString()));
    assertTrue(err.toString().contains("failed bad: RangeError: nope"), err.toString());
  }

  @Test
  void shouldRunAScriptWithoutAManifestGrantingLogOnly(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("tool.ts"), """
        import { label } from './label';
        export function main(env: Record<string, unknown>): void {
          console.log(label(Object.keys(env).join(',')));
        }
        """);
    Files.writeString(dir.resolve("label.ts"), "export const label = (s: string): string => `env: ${s}`;\n");
    assertEquals(0, run("run", dir.resolve("tool.ts").toString()), err.toString());
    assertTrue(out.toString().contains("[tool] env: log"), out.toString());

    Files.writeString(dir.resolve("fails.mjs"), "export function main() {\n  throw new TypeError('nope');\n}\n");
    assertEquals(1, run("run", dir.resolve("fails.mjs").toString()));
    assertTrue(err.toString().contains("TypeError: nope") && err.toString().contains("fails.mjs:2:"), err.toString());
  }

  @Test
  void shouldCheckAndPrintReachability() {
    assertEquals(0, run("check", EXAMPLES.resolve("link/link.txtpb").toString()), err.toString());
    assertTrue(out.toString().contains("link: client can link to service"), out.toString());
  }

  @Test
  void shouldExitThreeWithLocationForAnInvalidManifest(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("m.txtpb"), "components { name: \"x\" scrpt: \"x.js\" }\n");
    assertEquals(3, run("check", dir.resolve("m.txtpb").toString()));
    assertTrue(err.toString().contains("m.txtpb:1:"), err.toString());
    assertEquals(3, run("run", dir.resolve("missing.txtpb").toString()));
  }

  @Test
  void shouldExitTwoForWrongUsageAndShowHelp() {
    assertEquals(2, run("frobnicate"));
    assertEquals(2, run("run"));
    assertTrue(err.toString().contains("--help"), err.toString());
    assertEquals(0, run("--help"));
    assertEquals(0, run("run", "--help"));
    assertTrue(out.toString().contains("--watch"), out.toString());
    assertTrue(out.toString().contains("--isolation=TIER"), out.toString());
  }

  @Test
  void shouldCheckAndPrintEachComponentsTier(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.js"), "function main(env) {}");
    Files.writeString(dir.resolve("m.txtpb"), """
        components { name: "here" script: "a.js" }
        components { name: "alone" script: "a.js" isolation: PROCESS }
        components { name: "grouped" script: "a.js" process_group: "g1" }
        """);
    String m = dir.resolve("m.txtpb").toString();
    assertEquals(0, run("check", m), err.toString());
    assertEquals(List.of("in-process", "process (own worker)", "process (group g1)"), tiers());
    out.getBuffer().setLength(0);
    assertEquals(0, run("check", "--isolation=process", m), err.toString());
    assertEquals(List.of("process (own worker), forced by the host; the manifest says in-process",
        "process (own worker)", "process (group g1)"), tiers());
    out.getBuffer().setLength(0);
    assertEquals(0, run("check", "--isolation", "in-process", m), err.toString());
    assertEquals("in-process, forced by the host; the manifest says process (group g1)", tiers().get(2));
  }

  private List<String> tiers() {
    return out.toString().lines().filter(l -> l.startsWith("  isolation: "))
        .map(l -> l.substring("  isolation: ".length())).toList();
  }

  @Test
  void shouldRejectAGrantAWorkerCannotUseWhenEveryComponentIsForcedIntoOne(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.js"), "function main(env) {}");
    Files.writeString(dir.resolve("m.txtpb"), """
        components { name: "c" script: "a.js" }
        grants { component: "c" host: WATCH }
        """);
    String m = dir.resolve("m.txtpb").toString();
    String expected = "b8g: " + m + ":2:1: component \"c\": env.watch grants host capability WATCH, which a component"
        + " in a worker process cannot use yet; run it IN_PROCESS or remove the grant.";
    assertEquals(0, run("check", m), err.toString());
    assertEquals(3, run("check", "--isolation=process", m));
    assertEquals(expected, err.toString().strip());
    err.getBuffer().setLength(0);
    // The option reaches Host.Context: the launch fails on the same rule before anything starts.
    assertEquals(3, run("run", "--isolation=process", m));
    assertEquals(expected, err.toString().strip());
  }

  @Test
  void shouldExitTwoForAnUnknownIsolationTier(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("m.txtpb"), "components { name: \"x\" script: \"x.js\" }\n");
    for (String command : new String[] {"run", "check"}) {
      err.getBuffer().setLength(0);
      assertEquals(2, run(command, "--isolation=PROCESS", dir.resolve("m.txtpb").toString()), command);
      assertTrue(err.toString().contains("--isolation"), err.toString());
      assertTrue(err.toString().contains("unknown isolation tier \"PROCESS\"; use process or in-process"), err.toString());
    }
  }

  @Test
  void shouldExitTenWithAReportWhenEveryComponentIsBlocked(@TempDir Path dir) throws Exception {
    // Each waits to read what the other would write only after reading: nothing can ever move.
    Files.writeString(dir.resolve("a.js"), "async function main(env) { const m = await env.in.read(); env.out.write(m); }");
    Files.writeString(dir.resolve("m.txtpb"), """
        components { name: "ping" script: "a.js" }
        components { name: "pong" script: "a.js" }
        channels { name: "to_pong" capacity: 4096 backing: ANONYMOUS }
        channels { name: "to_ping" capacity: 4096 backing: ANONYMOUS }
        grants { component: "ping" channel: "to_pong" rights: WRITE as: "out" }
        grants { component: "pong" channel: "to_pong" rights: READ as: "in" }
        grants { component: "pong" channel: "to_ping" rights: WRITE as: "out" }
        grants { component: "ping" channel: "to_ping" rights: READ as: "in" }
        """);
    assertEquals(10, run("run", dir.resolve("m.txtpb").toString()), err.toString());
    assertTrue(err.toString().contains("deadlock host: every component is blocked: ping waits to read channel to_ping (empty);"
        + " pong waits to read channel to_pong (empty)"), err.toString());
  }
}
