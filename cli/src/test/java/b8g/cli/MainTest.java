package b8g.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
