package b8g.host.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.host.Host;
import b8g.host.HostFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * A JDK Flight Recorder recording of a real host holds its events (category b8g) beside the JVM's
 * own: grants, a link, a refused link, and a component terminated for CPU, read back from the
 * dumped file with {@link RecordingFile}.
 */
class JfrEventsTest extends HostFixture {
  private static final List<String> NAMES = List.of("b8g.Start", "b8g.Grant", "b8g.Export", "b8g.Link", "b8g.LinkRefused",
      "b8g.Revoke", "b8g.ChildStart", "b8g.End", "b8g.Restart", "b8g.ScriptChange", "b8g.Deadlock", "b8g.HostStop");

  @Test
  void shouldRecordGrantsLinksARefusedLinkAndACpuTermination() throws Exception {
    write("a.js", """
        async function main(env) {
          env.export('data', env.data);
          await env.done.read();
        }""");
    write("b.js", """
        async function main(env) {
          try { env.link('00'.repeat(32)); } catch (e) { }
          env.link(env.a_secret);
          env.done.tryWrite('go');
          await env.done.close();
        }""");
    write("spin.js", "async function main(env) { for (;;) {} }");
    Path m = write("m.txtpb", """
        components { name: "a" script: "a.js" }
        components { name: "b" script: "b.js" after: "a" }
        components { name: "spin" script: "spin.js" limits { cpu_ms_per_turn: 100 } }
        regions { name: "data" size: 64 backing: ANONYMOUS }
        channels { name: "done" capacity: 4096 backing: ANONYMOUS }
        grants { component: "a" region: "data" rights: READ }
        grants { component: "a" channel: "done" rights: READ }
        grants { component: "b" channel: "done" rights: WRITE }
        links { from: "a" to: "b" }
        """);
    Path file = dir.resolve("host.jfr");
    try (Recording recording = new Recording()) {
      for (String name : NAMES) {
        recording.enable(name);
      }
      recording.enable("jdk.GarbageCollection");
      recording.start();
      try (Host h = launch(m)) {
        finish(h, Duration.ofSeconds(60));
      }
      System.gc(); // one JVM event beside ours
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> all = RecordingFile.readAllEvents(file);
    List<RecordedEvent> ours = all.stream().filter(e -> e.getEventType().getName().startsWith("b8g.")).toList();
    Set<String> kinds = new TreeSet<>();
    for (RecordedEvent e : ours) {
      kinds.add(e.getEventType().getName());
      assertEquals(List.of("b8g"), e.getEventType().getCategoryNames(), e.toString());
    }
    assertTrue(kinds.containsAll(Set.of("b8g.Start", "b8g.Grant", "b8g.Export", "b8g.Link", "b8g.LinkRefused", "b8g.End",
        "b8g.HostStop")), kinds.toString());
    assertTrue(all.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.GarbageCollection")), "no GC event beside ours");

    assertTrue(ours.stream().anyMatch(e -> is(e, "b8g.Grant") && "a".equals(e.getString("component"))
        && "data".equals(e.getString("env")) && "region".equals(e.getString("capability")) && "read".equals(e.getString("rights"))), ours.toString());
    assertTrue(ours.stream().anyMatch(e -> is(e, "b8g.Grant") && "b".equals(e.getString("component"))
        && "secret".equals(e.getString("capability")) && "secret of a".equals(e.getString("origin"))), ours.toString());
    assertTrue(ours.stream().anyMatch(e -> is(e, "b8g.Link") && "b".equals(e.getString("component"))
        && "a".equals(e.getString("to")) && "data".equals(e.getString("exports"))), ours.toString());
    assertTrue(ours.stream().anyMatch(e -> is(e, "b8g.LinkRefused") && "b".equals(e.getString("component"))
        && "link.refused".equals(e.getString("reason"))), ours.toString());
    RecordedEvent spin = ours.stream().filter(e -> is(e, "b8g.End") && "spin".equals(e.getString("component"))).findFirst()
        .orElseThrow(() -> new AssertionError("no end of spin in " + ours));
    assertEquals("terminated", spin.getString("outcome"));
    assertEquals("limit.cpu", spin.getString("cause"));
    assertEquals(137, spin.getInt("code"));
    // Never a secret: no 64 hex digits in any string field.
    for (RecordedEvent e : ours) {
      assertFalse(e.toString().matches("(?s).*[0-9a-f]{64}.*"), e.toString());
    }
  }

  @Test
  void shouldSayItCanRecordOnAJdkWithFlightRecorder() {
    assertTrue(JfrEvents.available());
  }

  private static boolean is(RecordedEvent e, String name) {
    return e.getEventType().getName().equals(name);
  }
}
