package b8g.cli;

import static org.junit.jupiter.api.Assertions.*;

import b8g.host.Host;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** b8g snapshot (over the control socket), b8g restore in a new process, b8g image inspect. */
class SnapshotCommandsTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void shouldSnapshotARunningHostThroughItsControlSocket() throws Exception {
    Files.writeString(dir.resolve("ticker.js"), """
        async function main(env) {
          let tick = 0;
          for (;;) { await new Promise((r) => setTimeout(r, 20)); tick++; }
        }""");
    Path m = Files.writeString(dir.resolve("ticker.txtpb"), "components { name: \"ticker\" script: \"ticker.js\" }\n");
    String pid = String.valueOf(ProcessHandle.current().pid());
    Path image = dir.resolve("ticker.b8gi");
    Path socket;
    try (Host host = Host.launch(new Host.Context().manifest(m).snapshots(true).log(l -> {}));
        ControlServer server = ControlServer.open(host, true, ControlSocket.directoryPath(System.getenv()))) {
      socket = server.socket();
      assertTrue(Files.exists(socket));
      assertEquals(0, run("snapshot", "--host", pid, "ticker", "-o", image.toString()), err.toString());
      assertTrue(out.toString().contains("wrote " + image), out.toString());
      assertTrue(Files.size(image) > 0);

      assertEquals(2, run("snapshot", "--host", pid, "nope", "-o", image.toString()));
      assertTrue(err.toString().contains("no running component named \"nope\""), err.toString());
      assertEquals(2, run("snapshot", "--host", pid, "ticker", "--all", "-o", image.toString()));
      assertEquals(2, run("snapshot", "--host", "1", "--all", "-o", image.toString()));
      assertTrue(err.toString().contains("no b8g host with pid 1"), err.toString());
      Path precious = Files.writeString(dir.resolve("precious.txt"), "keep");
      assertEquals(2, run("snapshot", "--host", pid, "--all", "-o", precious.toString()));
      assertEquals("keep", Files.readString(precious));
    }
    assertFalse(Files.exists(socket), "socket removed on close");

    out.getBuffer().setLength(0);
    assertEquals(0, run("image", "inspect", image.toString()), err.toString());
    assertTrue(out.toString().contains("CONTEXT"), out.toString());
    assertTrue(out.toString().contains("restorable here: yes"), out.toString());
    out.getBuffer().setLength(0);
    assertEquals(0, run("image", "inspect", "--json", image.toString()), err.toString());
    assertTrue(out.toString().contains("\"restorableHere\": true"), out.toString());
    Path cut = dir.resolve("cut.b8gi");
    Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(image), 100));
    assertEquals(7, run("image", "inspect", cut.toString()));
    assertEquals(7, run("restore", cut.toString()));
    assertTrue(err.toString().contains("cut short"), err.toString());
  }

  @Test
  void shouldContinueTheCounterExampleInANewProcess() throws Exception {
    Path example = MainTest.EXAMPLES.resolve("snapshot");
    for (String f : List.of("counter.txtpb", "counter.js")) {
      Files.copy(example.resolve(f), dir.resolve(f));
    }
    assertEquals(0, run("run", "--no-control", dir.resolve("counter.txtpb").toString()), err.toString());
    assertEquals("[counter] tick 5\n[counter] tick 10\n[counter] snapshot written at tick 10 - stopping here\n", out.toString());
    Path image = dir.resolve("counter.b8gi");
    assertTrue(Files.isRegularFile(image), "image written");

    // A new JVM: the restored counter goes on from tick 10 with the manifest recorded in the image.
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    String restored = runJava(cmd, "restore", "--no-control", image.toString());
    assertTrue(restored.startsWith("[counter] restored at tick 10 - counting on"), restored);
    assertTrue(restored.endsWith("[counter] tick 15\n[counter] tick 20\n[counter] done at tick 20\n"), restored);

    // The same directory shipped as a unit through the store: deploy resumes from its image.
    Path home = dir.resolve("home");
    assertEquals(0, run("registry", "--home", home.toString(), "push", dir.resolve("counter.txtpb").toString(), "local/counter:1"), err.toString());
    // Resuming runs a V8 context blob: only from a signed unit checked against a trusted key.
    assertEquals(2, run("deploy", "--home", home.toString(), "local/counter:1"));
    assertTrue(err.toString().contains("--trust"), err.toString());
    Path key = Files.createDirectories(dir.resolve("keys")).resolve("signer");
    assertEquals(0, run("registry", "--home", home.toString(), "keygen", "-o", key.toString()), err.toString());
    assertEquals(0, run("registry", "--home", home.toString(), "sign", "local/counter:1", "--key", key.toString()), err.toString());
    String deployed = runJava(cmd, "deploy", "--home", home.toString(), "--trust", key + ".pub", "local/counter:1");
    assertTrue(deployed.startsWith("[counter] restored at tick 10 - counting on"), deployed);
    assertTrue(deployed.endsWith("[counter] done at tick 20\n"), deployed);
  }

  /** Runs {@code java ... Main args} in a new process: what a user does on another machine. */
  private static String runJava(List<String> javaAndClasspath, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(javaAndClasspath);
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "process did not end: " + cmd);
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.exitValue(), out);
    // Newer JVMs warn on stderr (native access, Unsafe); only the components' lines matter here.
    return out.lines().filter(l -> l.startsWith("[")).map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
  }
}
