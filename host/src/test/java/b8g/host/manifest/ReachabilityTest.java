package b8g.host.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import b8g.host.manifest.schema.Isolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReachabilityTest {

  @Test
  void shouldDescribeWhoReachesWhat() {
    String expected = """
        component source (source.js; heap 64 MiB, cpu 500 ms/turn; restart NEVER)
          isolation: in-process
          env.out: channel numbers, WRITE (writer end; reader: sink)
          env.table: region table, READ (shared with: sink)
          env.run: host RUN (paths: tools)
          env.watch: host WATCH (paths: later.txt)
        component sink (sink.js; heap 32 MiB, cpu 500 ms/turn; restart ON_FAILURE up to 3; after source)
          isolation: process (group io)
          env.in: channel numbers, READ (reader end; writer: source)
          env.results: channel results, WRITE (writer end; reader: host)
          env.table: region table, READ (shared with: source)
          env.log: host LOG
          env.source_secret: secret of source (may link to source)
        channel numbers: source -> sink (65536 bytes, ANONYMOUS)
        channel results: sink -> host (1048576 bytes, ANONYMOUS)
        region table: read by sink, source; written by (none) (4096 bytes, SHM_FILE, at most READ)
        link: sink can link to source (holds source's secret as env.source_secret)
        start order: source, sink
        """;
    assertEquals(expected, Reachability.describe(ManifestLoader.load(Manifests.resource("good/pipeline.txtpb"))));
  }

  @Test
  void shouldSayWhereANetGrantConnects(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("c.js"), "function main(env) {}");
    String text = """
        components { name: "c" script: "c.js" }
        grants { component: "c" host: NET allow: ["127.0.0.1:8080", "localhost:*", "api.example.com:443", "10.0.0.0/8:80", "[::1]:1000-2000"] as: "net" }
        """;
    String expected = """
        component c (c.js; heap 64 MiB, cpu 1000 ms/turn; restart NEVER)
          isolation: in-process
          env.net: host NET (connect to: 127.0.0.1:8080, localhost:*, api.example.com:443, 10.0.0.0/8:80, [::1]:1000-2000)
        start order: c
        """;
    assertEquals(expected, Reachability.describe(ManifestLoader.parse(text, dir.resolve("m.txtpb"))));
  }

  @Test
  void shouldSayWhenAComponentReachesNothing(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("lonely.js"), "function main(env) {}");
    String text = """
        components { name: "lonely" script: "lonely.js" limits { heap_mib: 8 cpu_ms_per_turn: 20 } }
        channels { name: "feed" backing: ANONYMOUS capacity: 4096 }
        regions { name: "scratch" size: 100 backing: ANONYMOUS }
        """;
    String expected = """
        component lonely (lonely.js; heap 8 MiB, cpu 20 ms/turn; restart NEVER)
          isolation: in-process
          (env is empty: reaches nothing)
        channel feed: host -> host (4096 bytes, ANONYMOUS)
        region scratch: read by (none); written by (none) (100 bytes, ANONYMOUS, at most READ+WRITE)
        start order: lonely
        """;
    LoadedManifest m = ManifestLoader.parse(text, dir.resolve("m.txtpb"));
    assertEquals(expected, Reachability.describe(m));
    assertEquals(Reachability.describe(m), Reachability.describe(ManifestLoader.parse(text, dir.resolve("m.txtpb"))));
  }

  @Test
  void shouldPrintTheTierEachComponentRunsIn(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.js"), "function main(env) {}");
    LoadedManifest m = ManifestLoader.parse("""
        components { name: "here" script: "a.js" }
        components { name: "alone" script: "a.js" isolation: PROCESS }
        components { name: "grouped" script: "a.js" process_group: "g1" }
        """, dir.resolve("m.txtpb"));
    assertEquals(List.of("in-process", "process (own worker)", "process (group g1)"), tiers(Reachability.describe(m)));
    assertEquals(Reachability.describe(m), Reachability.describe(m, Isolation.ISOLATION_UNSPECIFIED));
    assertEquals(List.of("process (own worker), forced by the host; the manifest says in-process",
        "process (own worker)", "process (group g1)"), tiers(Reachability.describe(m, Isolation.PROCESS)));
    assertEquals(List.of("in-process",
        "in-process, forced by the host; the manifest says process (own worker)",
        "in-process, forced by the host; the manifest says process (group g1)"),
        tiers(Reachability.describe(m, Isolation.IN_PROCESS)));
  }

  private static List<String> tiers(String description) {
    return description.lines().filter(l -> l.startsWith("  isolation: "))
        .map(l -> l.substring("  isolation: ".length())).toList();
  }
}
