package b8g.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.errors.B8gException;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

/**
 * {@code b8g check --graph}: every example's authority graph renders with Graphviz's
 * {@code dot -Tsvg} (the real one; CI installs it) into an SVG that parses as XML; hostile names
 * (quotes, line ends, braces, backslashes, entity references) render and keep their text; without
 * Graphviz the command says how to install it.
 */
class CheckGraphTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  static List<Path> examples() throws Exception {
    try (Stream<Path> files = Files.walk(MainTest.EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".txtpb") && !p.toString().contains("node_modules")).sorted().toList();
    }
  }

  static Document parseXml(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    // Graphviz's SVG names the SVG 1.1 DTD by URL: never fetch it.
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    DocumentBuilder b = f.newDocumentBuilder();
    return b.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void shouldRenderEveryExampleAsSvg(Path manifest) throws Exception {
    assertEquals(0, run("check", "--graph=svg", manifest.toString()), err.toString());
    Document svg = parseXml(out.toString());
    assertEquals("svg", svg.getDocumentElement().getNodeName());
    // Every component of the example is a node with its name in the picture.
    out.getBuffer().setLength(0);
    assertEquals(0, run("check", manifest.toString()));
    for (String line : out.toString().split("\n")) {
      if (line.startsWith("component ")) {
        String name = line.substring("component ".length(), line.indexOf(' ', "component ".length()));
        assertTrue(svg.getDocumentElement().getTextContent().contains(name), name + " missing from the graph of " + manifest);
      }
    }
  }

  @Test
  void shouldDrawGrantsLinksServicesAndTiers(@TempDir Path dir) throws Exception {
    for (String s : List.of("a.js", "b.js", "c.js")) {
      Files.writeString(dir.resolve(s), "async function main(env) {}");
    }
    Path m = dir.resolve("m.txtpb");
    Files.writeString(m, """
        components { name: "a" script: "a.js" }
        components { name: "b" script: "b.js" process_group: "g1" }
        components { name: "c" script: "c.js" isolation: PROCESS }
        channels { name: "ch" capacity: 4096 backing: ANONYMOUS }
        regions { name: "r" size: 64 backing: ANONYMOUS }
        services { name: "orders" component: "a" }
        grants { component: "a" channel: "ch" rights: WRITE as: "out" }
        grants { component: "b" channel: "ch" rights: READ as: "in" }
        grants { component: "c" region: "r" rights: READ }
        grants { component: "a" service: "orders" }
        grants { component: "b" service: "orders" methods: ["lookup"] }
        grants { component: "a" host: LOG }
        links { from: "a" to: "c" }
        """);
    assertEquals(0, run("check", "--graph", m.toString()), err.toString());
    String dot = out.toString();
    assertTrue(dot.startsWith("digraph b8g {\n"), dot);
    for (String expected : List.of(
        "subgraph cluster_0 {\n    label=\"in the host's process\";",
        "subgraph cluster_1 {\n    label=\"worker process (group g1)\";",
        "subgraph cluster_2 {\n    label=\"worker process (c alone)\";",
        "c0 -> ch0 [label=\"env.out write\"];",
        "ch0 -> c1 [label=\"env.in read\"];",
        "c2 -> r0 [label=\"env.r read\"];",
        "c0 -> s0 [label=\"env.orders serves\"];",
        "c0 -> c1 [label=\"service orders: lookup\", style=bold",
        "c0 -> c2 [label=\"link (secret as env.a_secret)\", style=dashed",
        "c0 -> h0 [label=\"env.log\"];")) {
      assertTrue(dot.contains(expected), expected + " missing from\n" + dot);
    }
  }

  @Test
  void shouldRenderHostileNames(@TempDir Path dir) throws Exception {
    String hostile = "we\"ird\n}{ \\N &#1; <b>&amp; x.js";
    Files.createDirectories(dir.resolve("kids"));
    Files.writeString(dir.resolve("kids").resolve(hostile), "async function main(env) {}");
    Files.writeString(dir.resolve(hostile), "async function main(env) {}");
    Files.writeString(dir.resolve("data " + hostile), "x");
    String q = "\"" + hostile.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    Path m = dir.resolve("m.txtpb");
    Files.writeString(m, "components { name: \"a\" script: " + q + " }\n"
        + "grants { component: \"a\" host: RUN paths: \"kids\" }\n"
        + "grants { component: \"a\" file: " + q.replace("\"we", "\"data we") + " rights: READ as: \"data\" }\n");
    assertEquals(0, run("check", m.toString()), err.toString());
    out.getBuffer().setLength(0);
    assertEquals(0, run("check", "--graph", m.toString()), err.toString());
    String dot = out.toString();
    assertFalse(dot.contains("\n}{"), "a raw line end of a name reached the DOT:\n" + dot);
    out.getBuffer().setLength(0);
    assertEquals(0, run("check", "--graph=svg", m.toString()), err.toString());
    Document svg = parseXml(out.toString());
    String text = svg.getDocumentElement().getTextContent();
    // The name's line end is a line break in the picture: each line is there as written.
    for (String part : List.of("we\"ird", "}{ \\N &#1; <b>&amp; x.js", "file data we\"ird")) {
      assertTrue(text.contains(part), part + " missing from the SVG text:\n" + text);
    }
  }

  @Test
  void shouldSayHowToInstallGraphvizWhenDotIsMissing() {
    String before = System.getProperty("b8g.dot");
    System.setProperty("b8g.dot", "/nonexistent/graphviz/dot");
    try {
      assertEquals(9, run("check", "--graph=svg", MainTest.EXAMPLES.resolve("hello/hello.txtpb").toString()));
      assertTrue(err.toString().contains("apt-get install graphviz"), err.toString());
      assertTrue(err.toString().contains("--graph"), err.toString());
    } finally {
      if (before == null) {
        System.clearProperty("b8g.dot");
      } else {
        System.setProperty("b8g.dot", before);
      }
    }
  }

  /**
   * A dot that never reads its input (1 MiB, more than a pipe holds) or never ends is killed at the
   * time limit. Before the input and output had their own threads, the caller blocked in the write
   * or the read for as long as the stuck dot lived (60 s here), past the test's own limit.
   */
  @ParameterizedTest
  @ValueSource(strings = {"exec sleep 60", "cat >/dev/null; exec sleep 60"})
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void shouldKillADotThatDoesNotFinish(String body, @TempDir Path dir) throws Exception {
    Path fake = dir.resolve("stuck-dot");
    Files.writeString(fake, "#!/bin/sh\n" + body + "\n");
    assertTrue(fake.toFile().setExecutable(true));
    String big = "digraph g {\n" + "  a -> b;\n".repeat(100_000) + "}\n";
    B8gException e = assertThrows(B8gException.class, () -> GraphRenderer.svg(big, fake.toString(), 1_000));
    assertEquals("graph.render", e.code());
    assertTrue(e.getMessage().contains("did not finish within 1000 ms"), e.getMessage());
  }

  @Test
  void shouldRefuseAnUnknownFormat() {
    assertEquals(2, run("check", "--graph=png", MainTest.EXAMPLES.resolve("hello/hello.txtpb").toString()));
    assertTrue(err.toString().contains("unknown graph format \"png\"; use dot or svg"), err.toString());
  }
}
