package b8g.host;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component;
import b8g.components.Component.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host none of whose components can make progress ends them with a report instead of hanging. */
class DeadlockTest extends HostFixture {
  @Test
  void shouldReportWhoWaitsOnWhatWhenEveryComponentIsBlocked() throws Exception {
    // A writer blocked on a full ring its reader never reads, the reader waiting for a promise
    // nothing will settle, and a restart policy that must not revive them.
    write("w.js", "async function main(env) { for (;;) { const p = env.out.write(new Uint8Array(1000)); if (p) await p; } }");
    write("r.js", "async function main(env) { await new Promise(() => {}); }");
    Path m = write("m.txtpb", """
        components { name: "w" script: "w.js" restart { mode: ON_FAILURE max_restarts: 3 } }
        components { name: "r" script: "r.js" }
        channels { name: "c" capacity: 4096 backing: ANONYMOUS }
        grants { component: "w" channel: "c" rights: WRITE as: "out" }
        grants { component: "r" channel: "c" rights: READ as: "in" }
        """);
    try (Host h = launch(m)) {
      Map<String, ExitStatus> done = finish(h, Duration.ofSeconds(30));
      String report = "every component is blocked: w waits to write channel c (full);"
          + " r waits on nothing that can happen (a promise no event will settle)";
      assertEquals(report, h.deadlock());
      for (ExitStatus s : done.values()) {
        assertEquals(Component.Outcome.TERMINATED, s.outcome());
        assertEquals("deadlock: " + report, s.reason());
      }
      assertTrue(events.stream().noneMatch(e -> e.kind() == HostEvent.Kind.RESTARTED), events.toString());
      assertEquals(1, events.stream().filter(e -> e.kind() == HostEvent.Kind.DEADLOCK).count(), events.toString());
    }
  }

  @Test
  void shouldReportAParentWaitingForAChildThatWaitsForever() throws Exception {
    write("kid.js", "async function main(env) { await env.in.read(); }");
    write("parent.js", """
        async function main(env) {
          const kid = env.run('kid.js', { in: env.in });
          await kid.exited;
        }""");
    Path m = write("m.txtpb", """
        components { name: "parent" script: "parent.js" }
        channels { name: "c" capacity: 4096 backing: ANONYMOUS }
        components { name: "holder" script: "holder.js" }
        grants { component: "parent" channel: "c" rights: READ as: "in" }
        grants { component: "parent" host: RUN paths: "kid.js" }
        grants { component: "holder" channel: "c" rights: WRITE as: "out" }
        """);
    write("holder.js", "async function main(env) { await new Promise(() => {}); }");
    try (Host h = launch(m)) {
      finish(h, Duration.ofSeconds(30));
      assertNotNull(h.deadlock());
      assertTrue(h.deadlock().contains("parent waits on nothing that can happen"), h.deadlock());
      assertTrue(h.deadlock().contains("parent/kid.js#1 waits to read channel c (empty)"), h.deadlock());
    }
  }

  @Test
  void shouldNotCallSlowProgressADeadlock() throws Exception {
    // Long timers between messages, a watch that could fire, a reader that waits a while: all
    // legitimate waits. The host must let them finish.
    write("slow.js", """
        async function main(env) {
          for (let i = 0; i < 4; i++) { await new Promise(r => setTimeout(r, 400)); env.out.write('tick ' + i); }
          await env.out.close();
        }""");
    write("sink.js", """
        async function main(env) {
          const got = [];
          for await (const m of env.in) got.push(m);
          console.log(got.join(','));
        }""");
    write("inbox/.keep", "");
    write("watcher.js", """
        async function main(env) {
          await new Promise(resolve => { const w = env.watch.path('inbox', ev => { w.close(); resolve(); }); });
          console.log('saw a file');
        }""");
    Path m = write("m.txtpb", """
        components { name: "slow" script: "slow.js" }
        components { name: "sink" script: "sink.js" }
        components { name: "watcher" script: "watcher.js" }
        channels { name: "c" capacity: 4096 backing: ANONYMOUS }
        grants { component: "slow" channel: "c" rights: WRITE as: "out" }
        grants { component: "sink" channel: "c" rights: READ as: "in" }
        grants { component: "sink" host: LOG }
        grants { component: "watcher" host: LOG }
        grants { component: "watcher" host: WATCH paths: "inbox" }
        """);
    try (Host h = launch(m)) {
      // Everything else has ended long before the file appears; only the watch is left.
      assertNull(h.awaitCompletion(Duration.ZERO), "nothing has ended yet");
      Thread.sleep(2500);
      write("inbox/note.txt", "hi");
      Map<String, ExitStatus> done = finish(h, Duration.ofSeconds(30));
      assertNull(h.deadlock());
      done.forEach((n, s) -> assertTrue(s.success(), n + " " + s));
    }
    assertTrue(log.contains("[sink] tick 0,tick 1,tick 2,tick 3"), log.toString());
    assertTrue(log.contains("[watcher] saw a file"), log.toString());
  }
}
