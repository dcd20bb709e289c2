package b8g.components;

import static org.junit.jupiter.api.Assertions.*;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.Component.EnvEntry;
import b8g.components.Component.ExitStatus;
import b8g.components.Component.Outcome;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Revoked channel ends, and limits hitting one component while its siblings keep streaming. */
class RevocationAndLimitsTest extends ComponentFixture {
  @Test
  void shouldRejectPendingReadAndLaterCallsWhenAChannelEndIsRevoked() throws Exception {
    Ring ring = ring(4096);
    Capability reader = Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ)).derive();
    Component c = start(new Component.Context().name("r").script("""
        async function main(env) {
          let first;
          try { await env.in.read(); first = 'resolved?!'; } catch (e) { first = e.name + ':' + e.code; }
          let second;
          try { env.in.tryRead(); second = 'read?!'; } catch (e) { second = e.code; }
          console.log(first, second);
        }""", "r.js").grant(EnvEntry.of("in", reader)));
    assertTrue(c.awaitStarted(Duration.ofSeconds(10)));
    Thread.sleep(100);
    reader.revoke();
    ExitStatus s = c.awaitExit(Duration.ofSeconds(20));
    assertNotNull(s);
    assertTrue(s.success(), s.toString());
    assertEquals(List.of("r:CapabilityError:capability.revoked capability.revoked"), log);
  }

  @Test
  void shouldTerminateAHeapBombWhileSiblingsKeepStreaming() throws Exception {
    // No wall-clock window: the bomb starts hoarding once the source streams (flag byte 0, set by
    // the source), and the source streams on until the test has seen the bomb stopped (flag byte
    // 1, set by the test), then 100 messages more. However slow the machine, the bomb's end falls
    // inside the stream.
    Ring ring = ring(1 << 16);
    Region flags = Region.anonymous("flags", 64);
    regions.add(flags);
    Component bomb = start(new Component.Context().name("bomb").heapBytes(48L << 20).cpuMillisPerTurn(60_000).script("""
        async function main(env) {
          while (env.flags.read(0, 1)[0] === 0) await new Promise(r => setTimeout(r, 5));
          const hoard = [];
          for (;;) hoard.push(new Array(100000).fill(Math.random()));
        }""", "bomb.js").grant(EnvEntry.of("flags", Capability.root(Kind.REGION, flags, EnumSet.of(Right.READ)))));
    Component sink = start(new Component.Context().name("sink").script("""
        async function main(env) { let n = 0, bad = 0; for await (const m of env.in) { if (Number(m) !== n) bad++; n++; } console.log(n, bad); }""", "sink.js")
        .grant(EnvEntry.of("in", Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ)))));
    Component source = start(new Component.Context().name("source").script("""
        async function main(env) {
          const flags = new Uint8Array(env.flags.buffer);
          let i = 0, stopAt = -1;
          while (stopAt < 0 || i < stopAt) {
            const p = env.out.write(String(i++)); if (p) await p;
            if (i === 100) flags[0] = 1;
            if (stopAt < 0 && flags[1] === 1) stopAt = Math.max(i + 100, 1001);
            if (i % 500 === 0) await new Promise(r => setTimeout(r, 1));
          }
          await env.out.close();
        }""", "source.js").grant(EnvEntry.of("out", Capability.root(Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE))))
        .grant(EnvEntry.of("flags", Capability.root(Kind.REGION, flags, EnumSet.of(Right.READ, Right.WRITE)))));
    ExitStatus b = bomb.awaitExit(Duration.ofSeconds(60));
    assertNotNull(b, "the heap bomb was not stopped");
    assertEquals(Outcome.TERMINATED, b.outcome());
    assertTrue(b.reason().contains("heap"), b.reason());
    assertNull(source.status(), "the source should still be streaming when the bomb is stopped");
    assertNull(sink.status(), "the sink should still be reading when the bomb is stopped");
    flags.byteBuffer().put(1, (byte) 1);
    assertTrue(source.awaitExit(Duration.ofSeconds(60)).success());
    assertTrue(sink.awaitExit(Duration.ofSeconds(60)).success());
    String[] parts = log.get(0).substring("sink:".length()).split(" ");
    assertTrue(Integer.parseInt(parts[0]) > 1000, log.toString());
    assertEquals("0", parts[1], "messages out of order or lost: " + log);
  }

  @Test
  void shouldNotCountALongStreamAsOneTurn() throws Exception {
    // A for-await consumer fed faster than it reads resolves every read at once; the platform must
    // still end its turns, or the per-turn CPU limit would stop a healthy stream.
    Ring ring = ring(1 << 16);
    Component sink = start(new Component.Context().name("sink").cpuMillisPerTurn(200).script("""
        async function main(env) { let n = 0; for await (const m of env.in) n++; console.log('n', n > 0); }""", "sink.js")
        .grant(EnvEntry.of("in", Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ)))));
    Component source = start(new Component.Context().name("source").cpuMillisPerTurn(60_000).script("""
        async function main(env) {
          const t = Date.now(); const m = new Uint8Array(16);
          while (Date.now() - t < 1000) { const p = env.out.write(m); if (p) await p; }
          await env.out.close();
        }""", "source.js").grant(EnvEntry.of("out", Capability.root(Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE)))));
    ExitStatus s = sink.awaitExit(Duration.ofSeconds(60));
    assertNotNull(s);
    assertTrue(s.success(), s.toString());
    assertTrue(source.awaitExit(Duration.ofSeconds(60)).success());
    assertEquals(List.of("sink:n true"), log);
  }

  @Test
  void shouldTerminateAComponentHoardingArrayBuffersButNotCountSharedMemory() throws Exception {
    Region big = Region.anonymous("big", 64L << 20);
    regions.add(big);
    Component hoarder = start(new Component.Context().name("hoarder").heapBytes(16L << 20).cpuMillisPerTurn(60_000).script("""
        async function main(env) {
          const shared = new Uint8Array(env.big.buffer); // 64 MiB of shared memory: not its own
          shared[0] = 1;
          console.log('shared ok');
          const keep = [];
          for (;;) { keep.push(new ArrayBuffer(4 << 20)); await new Promise(r => setTimeout(r, 0)); }
        }""", "hoarder.js").grant(EnvEntry.of("big", Capability.root(Kind.REGION, big, EnumSet.of(Right.READ, Right.WRITE)))));
    ExitStatus s = hoarder.awaitExit(Duration.ofSeconds(60));
    assertNotNull(s, "the hoarder was not stopped");
    assertEquals(Outcome.TERMINATED, s.outcome());
    assertTrue(s.reason().contains("off-heap budget"), s.reason());
    assertEquals(List.of("hoarder:shared ok"), log);
  }
}
