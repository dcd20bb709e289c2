package b8g.host;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every example under examples/ runs and its output is compared with its expected-output.txt. */
@ExtendWith(NoShmLeftBehind.class)
class ExamplesTest {
  static final Path EXAMPLES = Path.of("").toAbsolutePath().getParent().resolve("examples");

  @TestFactory
  Stream<DynamicTest> everyExampleRunsAndPrintsWhatItShould() throws IOException {
    List<Path> manifests = new ArrayList<>();
    try (Stream<Path> s = Files.walk(EXAMPLES)) {
      s.filter(p -> p.toString().endsWith(".txtpb") && Files.exists(p.resolveSibling("expected-output.txt")))
          .sorted().forEach(manifests::add);
    }
    assertTrue(manifests.size() >= 5, "expected at least five examples, found " + manifests);
    return manifests.stream().map(m -> DynamicTest.dynamicTest(EXAMPLES.relativize(m).toString(), () -> runExample(m)));
  }

  static void runExample(Path manifest) throws Exception {
    if (Files.exists(manifest.resolveSibling("input.txt"))) {
      runStdioExample(manifest);
      return;
    }
    boolean watch = manifest.getFileName().toString().equals("watch.txtpb");
    Path note = manifest.resolveSibling("inbox").resolve("note.txt");
    Files.deleteIfExists(note);
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    List<HostEvent> events = Collections.synchronizedList(new ArrayList<>());
    try (Host host = Host.launch(new Host.Context().manifest(manifest).log(lines::add).events(events::add))) {
      if (watch) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (lines.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        Files.writeString(note, "hi\n");
      }
      Map<String, ExitStatus> done = host.awaitCompletion(Duration.ofSeconds(60));
      assertNotNull(done, "example did not finish; output so far: " + lines + " events: " + events);
      done.forEach((name, st) -> assertTrue(st.success(), name + " " + st + "; events: " + events));
    } finally {
      Files.deleteIfExists(note);
    }
    List<String> expected = Files.readAllLines(manifest.resolveSibling("expected-output.txt"));
    assertEquals(byComponent(expected), byComponent(lines), "output of " + manifest);
  }

  /**
   * An example with an input.txt reads it as standard input, over a real pipe, and its standard
   * output (another pipe) must be expected-output.txt byte for byte; console lines go to the log.
   */
  static void runStdioExample(Path manifest) throws Exception {
    java.nio.channels.Pipe in = java.nio.channels.Pipe.open();
    java.nio.channels.Pipe out = java.nio.channels.Pipe.open();
    java.nio.channels.Pipe err = java.nio.channels.Pipe.open();
    byte[] input = Files.readAllBytes(manifest.resolveSibling("input.txt"));
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    List<HostEvent> events = Collections.synchronizedList(new ArrayList<>());
    var drained = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try (var source = java.nio.channels.Channels.newInputStream(out.source())) {
        return source.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try (Host host = Host.launch(new Host.Context().manifest(manifest).log(lines::add).events(events::add)
        .stdio(b8g.host.io.Stdio.of(in.source(), out.sink(), err.sink())))) {
      try (var sink = in.sink()) {
        sink.write(java.nio.ByteBuffer.wrap(input));
      }
      Map<String, ExitStatus> done = host.awaitCompletion(Duration.ofSeconds(60));
      assertNotNull(done, "example did not finish; events: " + events);
      done.forEach((name, st) -> assertTrue(st.success(), name + " " + st + "; events: " + events));
    }
    out.sink().close();
    err.sink().close();
    in.source().close();
    err.source().close();
    assertEquals(Files.readString(manifest.resolveSibling("expected-output.txt")),
        new String(drained.get(30, java.util.concurrent.TimeUnit.SECONDS), java.nio.charset.StandardCharsets.UTF_8),
        "standard output of " + manifest + "; log: " + lines);
  }

  /** Components run concurrently: compare the order of lines within each component only. */
  static Map<String, List<String>> byComponent(List<String> lines) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String l : lines) {
      String who = l.startsWith("[") ? l.substring(0, l.indexOf(']') + 1) : "";
      out.computeIfAbsent(who, k -> new ArrayList<>()).add(l);
    }
    return new java.util.TreeMap<>(out);
  }
}
