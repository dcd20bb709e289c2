package b8g.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code b8g run} in a Unix pipeline: a real child JVM whose descriptors 0, 1 and 2 are pipes this
 * test holds, as a shell would set them up, and what {@code check}, {@code types} and {@code -v}
 * say about stdio, file and directory grants.
 */
class StdioCliTest {
  static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples");

  @TempDir Path tmp;

  /** What a finished child left: its exit code, standard output and standard error. */
  record Ran(int code, byte[] out, String err) {}

  static List<String> java() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    return cmd;
  }

  /** Runs {@code b8g args} with {@code input} on its standard input, to the end. */
  static Ran run(byte[] input, String... args) throws Exception {
    List<String> cmd = java();
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      in.write(input);
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "b8g did not end: " + cmd);
    return new Ran(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
  }

  static byte[] readAll(InputStream s) {
    try {
      return s.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** No Java trace and no JVM complaint reached standard error. */
  static void clean(String err) {
    List<String> lines = err.lines().filter(l -> !l.startsWith("WARNING")).toList();
    assertFalse(lines.stream().anyMatch(l -> l.contains("Exception") || l.trim().startsWith("at ")), err);
  }

  @Test
  void shouldCopyStandardInputToStandardOutputInBothTiers() throws Exception {
    byte[] data = new byte[4_000_000];
    new Random(11).nextBytes(data);
    for (String tier : new String[] {"in-process", "process"}) {
      Ran r = run(data, "run", "--no-control", "--isolation", tier, EXAMPLES.resolve("pipe/pipe.txtpb").toString());
      assertEquals(0, r.code(), tier + ": " + r.err());
      assertArrayEquals(data, r.out(), tier);
      clean(r.err());
    }
  }

  @Test
  void shouldCountStandardInput() throws Exception {
    Ran r = run(new byte[1_234_567], "run", "--no-control", EXAMPLES.resolve("pipe/count/count.txtpb").toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("1234567\n", new String(r.out(), StandardCharsets.US_ASCII));
  }

  @Test
  void shouldEndCleanlyWith141WhenStandardOutputIsClosedEarly() throws Exception {
    Files.writeString(tmp.resolve("yes.js"), """
        async function main(env) {
          console.log('yes starts');
          for (;;) await env.stdout.write('y\\n'); // throws channel.broken once stdout is closed
        }""");
    Files.writeString(tmp.resolve("yes.txtpb"), """
        components { name: "yes" script: "yes.js" }
        grants { component: "yes" host: STDOUT }
        grants { component: "yes" host: LOG }
        """);
    List<String> cmd = java();
    cmd.addAll(List.of("run", "--no-control", tmp.resolve("yes.txtpb").toString()));
    Process p = new ProcessBuilder(cmd).start();
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    p.getOutputStream().close();
    byte[] ten = p.getInputStream().readNBytes(10); // `| head -c 10`
    p.getInputStream().close();
    assertEquals("y\ny\ny\ny\ny\n", new String(ten, StandardCharsets.US_ASCII));
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "b8g did not end after its stdout was closed");
    String e = new String(err.get(), StandardCharsets.UTF_8);
    assertEquals(141, p.exitValue(), e);
    // Console output went to stderr (stdout is the byte stream); the unhandled channel.broken is
    // the usual one-line report, not a trace.
    assertTrue(e.contains("[yes] yes starts"), e);
    assertTrue(e.contains("CapabilityError: channel stdout is broken"), e);
    clean(e);
  }

  @Test
  void shouldEndWhenItsComponentsEndWhileStandardInputStaysOpen() throws Exception {
    Files.writeString(tmp.resolve("e.js"), "async function main(env) { await env.stdout.write('bye\\n'); }");
    Files.writeString(tmp.resolve("e.txtpb"), """
        components { name: "e" script: "e.js" }
        grants { component: "e" host: STDIN }
        grants { component: "e" host: STDOUT }
        """);
    List<String> cmd = java();
    cmd.addAll(List.of("run", "--no-control", tmp.resolve("e.txtpb").toString()));
    Process p = new ProcessBuilder(cmd).start();
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    // Standard input stays open (an idle terminal): the pump blocked reading it must not hold the host.
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "b8g did not end while its standard input stayed open");
    assertEquals("bye\n", new String(out, StandardCharsets.US_ASCII));
    assertEquals(0, p.exitValue(), new String(err.get(), StandardCharsets.UTF_8));
    p.getOutputStream().close();
  }

  @Test
  void shouldSayWhatStdioAndFileGrantsReach() throws Exception {
    Files.writeString(tmp.resolve("a.js"), "async function main(env) {}");
    Files.createDirectories(tmp.resolve("box"));
    Files.writeString(tmp.resolve("notes.txt"), "n");
    Files.writeString(tmp.resolve("m.txtpb"), """
        components { name: "a" script: "a.js" }
        components { name: "m" script: "a.js" isolation: PROCESS }
        grants { component: "a" host: STDIN }
        grants { component: "a" host: STDOUT }
        grants { component: "a" host: STDERR }
        grants { component: "a" file: "notes.txt" rights: READ as: "notes" }
        grants { component: "m" file: "notes.txt" rights: READ rights: WRITE map: true as: "mapped" }
        grants { component: "a" file: "log.txt" rights: APPEND rights: CREATE as: "journal" }
        grants { component: "a" file: "box" rights: READ rights: CREATE rights: WRITE as: "box" }
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, Main.execute(new String[] {"check", tmp.resolve("m.txtpb").toString()}, new PrintWriter(out, true),
        new PrintWriter(err, true)), err.toString());
    String check = out.toString();
    for (String line : new String[] {
        "  env.stdin: host STDIN (reader end of the host's standard input)",
        "  env.stdout: host STDOUT (writer end to the host's standard output)",
        "  env.stderr: host STDERR (writer end to the host's standard error)",
        "  env.notes: file notes.txt, READ (reader end of the file's bytes)",
        "  env.mapped: file notes.txt, READ+WRITE (region mapped shared: writes reach the file)",
        "  env.journal: file log.txt, APPEND+CREATE (writer end appending to the file, created if missing)",
        "  env.box: directory box, READ+WRITE+CREATE (opens files below it at run time)"}) {
      assertTrue(check.contains(line + "\n"), "missing \"" + line + "\" in\n" + check);
    }
    Path types = tmp.resolve("env.d.ts");
    assertEquals(0, Main.execute(new String[] {"types", tmp.resolve("m.txtpb").toString(), "-o", types.toString()},
        new PrintWriter(out, true), new PrintWriter(err, true)), err.toString());
    String env = Files.readString(types);
    for (String line : new String[] {"readonly stdin: Stdin;", "readonly stdout: Stdout;", "readonly stderr: Stdout;",
        "readonly notes: ChannelReader<Uint8Array<ArrayBuffer>>;", "readonly mapped: Region;",
        "readonly journal: ChannelWriter;", "readonly box: Directory;"}) {
      assertTrue(env.contains(line), "missing \"" + line + "\" in\n" + env);
    }
  }

  @Test
  void shouldReportStdioGrantsAsEventsWithVerbose() throws Exception {
    Ran r = run("abc".getBytes(StandardCharsets.US_ASCII), "run", "--no-control", "-v",
        EXAMPLES.resolve("pipe/pipe.txtpb").toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("abc", new String(r.out(), StandardCharsets.US_ASCII));
    assertTrue(r.err().contains("b8g: granted pipe: env.stdin = channel stdin (reader)"), r.err());
    assertTrue(r.err().contains("b8g: granted pipe: env.stdout = channel stdout (writer)"), r.err());
  }
}
