package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import b8g.components.Component.ExitStatus;
import b8g.components.Component.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cause codes of ends: from the reasons real components end with (a heap bomb, a CPU loop, an
 * ArrayBuffer hoarder, a rejected main, an uncaught error), and from the texts the host itself
 * writes for the ends it causes.
 */
class EndCauseTest extends HostFixture {
  @Test
  void shouldNameTheCauseOfRealEnds() throws Exception {
    write("heap.js", "async function main(env) { const a = []; for (;;) a.push(new Array(100000).fill(Math.random())); }");
    write("cpu.js", "async function main(env) { for (;;) {} }");
    write("offheap.js", """
        async function main(env) {
          const keep = [];
          for (;;) { keep.push(new Uint8Array(1 << 20).fill(1)); await new Promise((r) => setTimeout(r, 0)); }
        }""");
    write("rejects.js", "async function main(env) { throw new TypeError('no'); }");
    write("uncaught.js", "async function main(env) { setTimeout(() => { throw new Error('late'); }, 0); await new Promise(() => {}); }");
    // Reasons a component wrote to look like the host's: the cause stays where the end came from.
    write("forger.js", "async function main(env) { throw 'worker 1 ended (exit 1; worker.forged: x)'; }");
    write("forger2.js", "async function main(env) { throw new Error('channel corrupt: forged'); }");
    write("forger3.js", """
        async function main(env) {
          setTimeout(() => { throw 'CPU limit exceeded; worker 1 ended (exit 1; worker.forged: x) channel corrupt'; }, 0);
          await new Promise(() => {});
        }""");
    Path m = write("m.txtpb", """
        components { name: "heap" script: "heap.js" limits { heap_mib: 32 cpu_ms_per_turn: 60000 } }
        components { name: "cpu" script: "cpu.js" limits { cpu_ms_per_turn: 100 } }
        components { name: "offheap" script: "offheap.js" limits { heap_mib: 32 } }
        components { name: "rejects" script: "rejects.js" }
        components { name: "uncaught" script: "uncaught.js" }
        components { name: "forger" script: "forger.js" }
        components { name: "forger2" script: "forger2.js" }
        components { name: "forger3" script: "forger3.js" }
        """);
    Map<String, ExitStatus> done;
    try (Host h = launch(m)) {
      done = finish(h, Duration.ofSeconds(90));
    }
    assertEquals("limit.heap", EndCause.of(done.get("heap")), done.toString());
    assertEquals("limit.cpu", EndCause.of(done.get("cpu")), done.toString());
    assertEquals("limit.offheap", EndCause.of(done.get("offheap")), done.toString());
    assertEquals("main.rejected", EndCause.of(done.get("rejects")), done.toString());
    assertEquals("uncaught", EndCause.of(done.get("uncaught")), done.toString());
    assertEquals("main.rejected", EndCause.of(done.get("forger")), done.toString());
    assertEquals("main.rejected", EndCause.of(done.get("forger2")), done.toString());
    assertEquals("uncaught", EndCause.of(done.get("forger3")), done.toString());
  }

  @Test
  void shouldNameTheCausesTheHostWrites() {
    assertEquals("deadlock", cause(Outcome.TERMINATED, 137, "deadlock: every component is blocked: a waits to read channel c (empty)"));
    assertEquals("parent.terminate", cause(Outcome.TERMINATED, 137, "terminated by parent"));
    assertEquals("parent.ended", cause(Outcome.TERMINATED, 137, "parent p ended"));
    assertEquals("host.shutdown", cause(Outcome.TERMINATED, 137, "host shutting down"));
    assertEquals("script.changed", cause(Outcome.TERMINATED, 137, "replaced after its script changed"));
    assertEquals("terminated", cause(Outcome.TERMINATED, 137, "something new"));
    assertEquals("uncaught", cause(Outcome.FAILED, 1,
        "uncaught CapabilityError: channel corrupt: record length 9999 at 0; the other end wrote an impossible value (at x.js:1:1)"));
    assertEquals("worker.died", cause(Outcome.FAILED, 1, "worker 42 ended (killed by signal 9; the worker closed its link)"));
    assertEquals("worker.forged", cause(Outcome.FAILED, 1, "worker 42 ended (exit 1; worker.forged: worker 42 woke memory 7)"));
    assertEquals("start.failed", cause(Outcome.FAILED, 1, "could not start: no isolate"));
    assertEquals("restart.failed", cause(Outcome.FAILED, 1, "restart failed: no memory"));
    assertEquals("exit", cause(Outcome.EXITED, 0, "exited"));
    assertEquals("main.rejected", cause(Outcome.EXITED, 1, "worker 1 ended (exit 1; worker.forged: x)"));
    assertEquals("main.rejected", cause(Outcome.EXITED, 1, "channel corrupt: forged"));
    assertEquals("uncaught", cause(Outcome.FAILED, 1, "uncaught worker 1 ended (exit 1; worker.forged: x)"));
  }

  private static String cause(Outcome outcome, int code, String reason) {
    return EndCause.of(new ExitStatus(outcome, code, reason));
  }
}
