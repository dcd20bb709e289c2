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

class ComponentTest extends ComponentFixture {
  private Component start(String name, String script, EnvEntry... env) {
    Component.Context ctx = new Component.Context().name(name).script(script, name + ".js").services(logging);
    ctx.grant(EnvEntry.of("log", Capability.root(Kind.LOG, null, EnumSet.noneOf(Right.class))));
    for (EnvEntry e : env) {
      ctx.grant(e);
    }
    Component c = Component.start(ctx);
    components.add(c);
    return c;
  }

  private static ExitStatus await(Component c) throws InterruptedException {
    ExitStatus s = c.awaitExit(Duration.ofSeconds(60));
    assertNotNull(s, c + " did not end in time");
    return s;
  }

  @Test
  void shouldRunMainAndLog() throws Exception {
    Component c = start("hello", "async function main(env) { console.log('hello', 1 + 1, {a: [1, 'x']}); }");
    ExitStatus s = await(c);
    assertTrue(s.success(), s.toString());
    assertEquals(List.of("hello:hello 2 { a: [ 1, \"x\" ] }"), log);
  }

  @Test
  void shouldStreamMessagesInOrderBetweenTwoComponents() throws Exception {
    Ring ring = ring(4096);
    Capability w = Capability.root(Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE));
    Capability r = Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ));
    Component sink = start("sink", """
        async function main(env) {
          let n = 0, sum = 0, bad = 0;
          for await (const m of env.in) { if (Number(m) !== n) bad++; n++; sum += Number(m); }
          console.log('got', n, 'sum', sum, 'bad', bad);
        }""", EnvEntry.of("in", r.derive()));
    Component source = start("source", """
        async function main(env) {
          for (let i = 0; i < 20000; i++) { const p = env.out.write(String(i)); if (p) await p; }
          await env.out.close();
        }""", EnvEntry.of("out", w.derive()));
    assertTrue(await(source).success(), source.status().toString());
    assertTrue(await(sink).success(), sink.status().toString());
    assertEquals(List.of("sink:got 20000 sum 199990000 bad 0"), log);
  }

  @Test
  void shouldKeepGlobalsApart() throws Exception {
    Component a = start("a", "globalThis.shared = 42; var leaked = 1; async function main(env) { console.log(typeof globalThis.fromB); }");
    await(a);
    Component b = start("b", "globalThis.fromB = 1; async function main(env) { console.log(typeof globalThis.shared, typeof leaked); }");
    await(b);
    assertTrue(log.contains("a:undefined"));
    assertTrue(log.contains("b:undefined undefined"));
  }

  @Test
  void shouldExposeNothingOfJava() throws Exception {
    Component c = start("probe", """
        async function main(env) {
          const names = Object.getOwnPropertyNames(globalThis).filter(n => /java|javet|__|require|process|Packages/i.test(n) && n !== '__b8g');
          console.log(JSON.stringify(names), typeof require, typeof process, typeof Java, typeof env.log, Object.keys(env).join(','));
        }""");
    assertTrue(await(c).success());
    assertEquals(List.of("probe:[] undefined undefined undefined object log"), log);
  }

  @Test
  void shouldTerminateInfiniteLoopWhileSiblingStreams() throws Exception {
    Ring ring = ring(1 << 16);
    Component.Context loopCtx = new Component.Context().name("spin").script("async function main(env) { for (;;) {} }", "spin.js").cpuMillisPerTurn(200);
    Component spin = Component.start(loopCtx);
    components.add(spin);
    Component sink = start("sink", """
        async function main(env) { let n = 0; for await (const m of env.in) n++; console.log('n', n); }""",
        EnvEntry.of("in", Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ))));
    Component source = start("source", """
        async function main(env) {
          const t = Date.now(); let i = 0;
          while (Date.now() - t < 600) { const p = env.out.write('m' + i++); if (p) await p; if (i % 1000 === 0) await new Promise(r => setTimeout(r, 0)); }
          await env.out.close();
        }""", EnvEntry.of("out", Capability.root(Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE))));
    ExitStatus s = await(spin);
    assertEquals(Outcome.TERMINATED, s.outcome());
    assertTrue(s.reason().contains("CPU limit"), s.reason());
    assertTrue(await(source).success(), source.status().toString());
    assertTrue(await(sink).success());
    assertTrue(log.get(0).startsWith("sink:n "), log.toString());
    assertTrue(Integer.parseInt(log.get(0).substring(7)) > 1000, log.toString());
  }

  @Test
  void shouldTerminateHeapBombAndReport() throws Exception {
    Component.Context ctx = new Component.Context().name("bomb").heapBytes(32L << 20).cpuMillisPerTurn(60_000)
        .script("async function main(env) { const a = []; for (;;) a.push(new Array(10000).fill(1.5)); }", "bomb.js");
    Component bomb = Component.start(ctx);
    components.add(bomb);
    ExitStatus s = await(bomb);
    assertEquals(Outcome.TERMINATED, s.outcome());
    assertTrue(s.reason().contains("heap"), s.reason());
  }

  @Test
  void shouldRefuseWriteThroughReadOnlyRegionAndDetachOnRevoke() throws Exception {
    Region region = Region.anonymous("data", 4096);
    regions.add(region);
    region.byteBuffer().put(0, (byte) 7);
    Capability rw = Capability.root(Kind.REGION, region, EnumSet.of(Right.READ, Right.WRITE));
    Capability ro = rw.attenuate(EnumSet.of(Right.READ));
    Component reader = start("ro", """
        async function main(env) {
          const b = env.data.read(0, 4);
          let err = '';
          try { env.data.write(0, new Uint8Array([9])); } catch (e) { err = e.name + ':' + e.code; }
          let view = '';
          try { env.data.buffer; } catch (e) { view = e.code; }
          console.log(b[0], err, view);
        }""", EnvEntry.of("data", ro.derive()));
    await(reader);
    assertEquals(List.of("ro:7 CapabilityError:capability.rights capability.rights"), log);
    assertEquals(7, region.byteBuffer().get(0));

    Capability granted = rw.derive();
    Component holder = start("rw", """
        async function main(env) {
          const u8 = new Uint8Array(env.data.buffer);
          u8[1] = 5;
          await new Promise(r => setTimeout(r, 300));
          let err = '';
          try { env.data.read(0, 1); } catch (e) { err = e.name + ':' + e.code; }
          u8[2] = 9; // the view is detached: writes go nowhere
          console.log(u8.length, err);
        }""", EnvEntry.of("data", granted));
    assertTrue(holder.awaitStarted(Duration.ofSeconds(30)), "holder did not start");
    granted.revoke();
    await(holder);
    assertEquals("rw:0 CapabilityError:capability.revoked", log.get(1));
    assertEquals(5, region.byteBuffer().get(1));
    assertEquals(0, region.byteBuffer().get(2));
  }

  @Test
  void shouldReportErrorsAsJsErrors() throws Exception {
    Component c = start("errs", """
        async function main(env) {
          const out = [];
          try { env.log.nope(); } catch (e) { out.push(e.constructor.name); }
          try { setTimeout(1); } catch (e) { out.push(e.constructor.name); }
          try { env.link('00'); } catch (e) { out.push(e.name + ':' + e.code + ':' + (e.stack.includes('java') ? 'java' : 'clean')); }
          console.log(out.join(' '));
        }""");
    await(c);
    assertEquals(List.of("errs:TypeError TypeError CapabilityError:link.refused:clean"), log);
  }

  @Test
  void shouldFailWithoutMain() throws Exception {
    Component c = start("nomain", "var x = 1;");
    ExitStatus s = await(c);
    assertFalse(s.success());
    assertTrue(s.reason().contains("main(env)"), s.reason());
    Component syntax = start("syntax", "function main( {");
    assertEquals(Outcome.FAILED, await(syntax).outcome());
  }

  @Test
  void shouldNotLeakShortTimersThatFireBeforeTheyAreRecorded() throws Exception {
    // 0 ms timers back to back: one that fired before schedule() returned used to stay counted,
    // until the component was refused timers ("too many pending timers") with none pending.
    Component c = start("ticker", """
        async function main(env) {
          for (let i = 0; i < 30000; i++) await new Promise(r => setTimeout(r, 0));
          console.log('ticked');
        }""");
    ExitStatus s = await(c);
    assertTrue(s.success(), s.toString());
    assertEquals(List.of("ticker:ticked"), log);
  }

  @Test
  void shouldSurviveTerminationsRacingAComponentsOwnEnd() throws Exception {
    // The host may terminate a component at the very moment it ends on its own; stopping JS in an
    // isolate being closed crashed the JVM (SIGSEGV in terminateExecution). Hammer that window.
    for (int i = 0; i < 400; i++) {
      Component c = Component.start(new Component.Context().name("brief" + i)
          .script("async function main(env) { for (let k = 0; k < " + (i % 7) * 100 + "; k++); }", "brief.js"));
      while (c.status() == null) {
        c.terminate("racing its end");
        Thread.onSpinWait();
      }
      assertNotNull(c.awaitExit(Duration.ofSeconds(10)));
    }
  }
}
