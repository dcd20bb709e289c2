package b8g.components;

import static org.junit.jupiter.api.Assertions.*;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.Component.EnvEntry;
import b8g.components.Component.ExitStatus;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Memory budgets count what a component keeps, not garbage V8 has not collected yet, and cover
 * every kind of memory a component can make outside the JS heap.
 */
class MemoryBudgetTest extends ComponentFixture {
  private static final Duration LONG = Duration.ofSeconds(120);

  private static ExitStatus await(Component c) throws InterruptedException {
    ExitStatus s = c.awaitExit(LONG);
    assertNotNull(s, c + " did not end in time");
    return s;
  }

  /**
   * Waits until every one of {@code cs} has succeeded; fails as soon as one ends otherwise (its
   * peer would wait for it for ever).
   */
  private static void awaitSuccess(Component... cs) throws InterruptedException {
    long deadline = System.nanoTime() + LONG.toNanos();
    for (;;) {
      boolean all = true;
      for (Component c : cs) {
        ExitStatus s = c.status();
        if (s == null) {
          all = false;
        } else if (!s.success()) {
          fail(c + " ended: " + s);
        }
      }
      if (all) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "components did not end in time");
      Thread.sleep(20);
    }
  }

  /** The process's resident set, from /proc/self/status (the host and every component). */
  private static long rssBytes() throws java.io.IOException {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  /** Samples the process RSS every 20 ms until closed; {@link #peak} is the highest seen. */
  private static final class RssWatch implements AutoCloseable {
    private final long start;
    private volatile long peak;
    private volatile boolean running = true;
    private final Thread thread;

    RssWatch() throws java.io.IOException {
      start = rssBytes();
      peak = start;
      thread = new Thread(() -> {
        while (running) {
          try {
            peak = Math.max(peak, rssBytes());
            Thread.sleep(20);
          } catch (Exception e) {
            return;
          }
        }
      }, "rss-watch");
      thread.setDaemon(true);
      thread.start();
    }

    long growth() {
      return peak - start;
    }

    @Override
    public void close() {
      running = false;
    }
  }

  /** A writer of {@code count} fresh 64 KiB messages, each numbered in its first four bytes. */
  private static final String NUMBERED_WRITER = """
      async function main(env) {
        for (let i = 0; i < COUNT; i++) {
          const m = new Uint8Array(65536);
          new DataView(m.buffer).setUint32(0, i);
          m[65535] = i & 255;
          const p = env.out.write(m);
          if (p) await p;
        }
        await env.out.close();
      }""";

  /** Checks one message against the number it should carry; counts the bad ones. */
  private static final String CHECK = """
      function check(m, n) {
        return m.length === 65536 && new DataView(m.buffer, m.byteOffset, 4).getUint32(0) === n && m[65535] === (n & 255);
      }""";

  private void streamLargeCopies(String reader) throws Exception {
    int count = 50_000;
    Ring ring = ring(1 << 20);
    Component sink = start(new Component.Context().name("sink").script(CHECK + reader, "sink.js")
        .grant(EnvEntry.of("in", Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ)))));
    Component source = start(new Component.Context().name("source").script(NUMBERED_WRITER.replace("COUNT", Integer.toString(count)), "source.js")
        .grant(EnvEntry.of("out", Capability.root(Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE)))));
    long t0 = System.nanoTime();
    awaitSuccess(sink, source);
    long nanos = System.nanoTime() - t0;
    assertEquals(List.of("sink:" + count + " 0"), log);
    // Not asserted (tests never assert timings): printed so a run shows what the budget costs.
    System.out.printf("%s: %d x 64 KiB in %d ms (%.2f GiB/s), full GCs by the budget: reader %d, writer %d%n",
        reader.contains("for await") ? "for await" : "tryRead", count, nanos / 1_000_000,
        count * 65536.0 / (1 << 30) / (nanos / 1e9), sink.conductor().limits().memory().collections(), source.conductor().limits().memory().collections());
  }

  @Test
  void shouldStreamLargeCopiesWithForAwaitWithoutAFalseKill() throws Exception {
    streamLargeCopies("""
        async function main(env) {
          let n = 0, bad = 0;
          for await (const m of env.in) { if (!check(m, n)) bad++; n++; }
          console.log(n, bad);
        }""");
  }

  @Test
  void shouldStreamLargeCopiesWithTryReadWithoutAFalseKill() throws Exception {
    streamLargeCopies("""
        async function main(env) {
          let n = 0, bad = 0;
          for (;;) {
            const m = env.in.tryRead();
            if (m === null) { await env.in.ready(); continue; }
            if (m === undefined) break;
            if (!check(m, n)) bad++;
            n++;
          }
          console.log(n, bad);
        }""");
  }

  @Test
  void shouldTerminateAComponentThatKeepsMoreArrayBuffersThanItsBudgetAndSayWhatWasLive() throws Exception {
    // It keeps 1 MiB buffers and drops as much garbage between them: only what it keeps counts.
    Component keeper = start(new Component.Context().name("keeper").heapBytes(16L << 20).script("""
        async function main(env) {
          const keep = [];
          for (let i = 0; ; i++) {
            const b = new Uint8Array(1 << 20); b.fill(1); keep.push(b);
            new Uint8Array(1 << 20).fill(2); // garbage
            console.log('kept', keep.length);
            await new Promise(r => setTimeout(r, 0));
          }
        }""", "keeper.js"));
    ExitStatus s = await(keeper);
    assertEquals(Component.Outcome.TERMINATED, s.outcome(), s.toString());
    Matcher m = Pattern.compile("off-heap budget of 16 MiB exceeded: ([\\d.]+) MiB live after a full GC \\(([\\d.]+) MiB collected; "
        + "([\\d.]+) MiB of ArrayBuffers, 0 MiB of WebAssembly memory\\)").matcher(s.reason());
    assertTrue(m.matches(), s.reason());
    assertTrue(Double.parseDouble(m.group(1)) > 16, s.reason());
    // Terminated for what it kept: at least 16 buffers of 1 MiB, and never long after. The budget
    // is read at turn ends at most every 10 ms (and after each GC), so on a busy machine a few more
    // 1 MiB turns pass before the reading that ends it (26 seen once in a CI run; 16 to 24 usually).
    int kept = Integer.parseInt(log.get(log.size() - 1).substring("keeper:kept ".length()));
    assertTrue(kept >= 16 && kept <= 32, kept + " kept; " + s.reason());
  }

  @Test
  void shouldStopAHoarderInsideOneLongTurnButNotAnAllocatorOfGarbage() throws Exception {
    // Neither ever ends its turn: only a check inside the turn (after a GC V8 runs) can see them.
    try (RssWatch rss = new RssWatch()) {
      Component garbage = start(new Component.Context().name("garbage").cpuMillisPerTurn(60_000).script("""
          async function main(env) {
            let sum = 0;
            for (let i = 0; i < 50000; i++) { const b = new Uint8Array(65536); b[i & 0xffff] = 1; sum += b[i & 0xffff]; }
            console.log('garbage', sum);
          }""", "garbage.js"));
      Component hoarder = start(new Component.Context().name("hoarder").cpuMillisPerTurn(60_000).script("""
          async function main(env) {
            const keep = [];
            for (;;) keep.push(new Uint8Array(1 << 20).fill(1));
          }""", "hoarder.js"));
      ExitStatus h = await(hoarder);
      assertEquals(Component.Outcome.TERMINATED, h.outcome(), h.toString());
      assertTrue(h.reason().startsWith("off-heap budget of 64 MiB exceeded: "), h.reason());
      assertTrue(await(garbage).success());
      assertEquals(List.of("garbage:garbage 50000"), log);
      assertTrue(rss.growth() < (512L << 20), "the process grew by " + (rss.growth() >> 20) + " MiB");
      System.out.printf("%s: the process grew by at most %d MiB%n", h, rss.growth() >> 20);
    }
  }

  @Test
  void shouldTerminateAHeapHoarderWithTheLiveHeapInTheReason() throws Exception {
    Component hoarder = start(new Component.Context().name("hoarder").heapBytes(24L << 20).script("""
        async function main(env) {
          const keep = [];
          for (;;) { keep.push(new Array(100000).fill(0).map((_, i) => ({ i }))); await new Promise(r => setTimeout(r, 0)); }
        }""", "hoarder.js"));
    ExitStatus s = await(hoarder);
    assertEquals(Component.Outcome.TERMINATED, s.outcome(), s.toString());
    assertTrue(s.reason().matches("heap budget of 24 MiB exceeded: [\\d.]+ MiB live after a full GC \\([\\d.]+ MiB collected\\)"), s.reason());
  }

  // ---- growable memory: WebAssembly memories and resizable ArrayBuffers ----------------------

  /**
   * Hand-written WebAssembly modules: one memory with limits {min, max} (exported as "mem" when
   * asked) and two functions, store(address, byte) and grow(pages) (memory.grow: the old size in
   * pages, or -1).
   */
  private static final String WASM = """
      const wasm = (() => {
        const leb = (n) => { const out = []; do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n); return out; };
        const name = (s) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
        const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
        function bytes({ min = 1, max, exportMemory = true, memory64 = false } = {}) {
          const types = [2, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 1, 0x7f, 1, 0x7f];
          const limits = [(max === undefined ? 0 : 1) | (memory64 ? 4 : 0), ...leb(min), ...(max === undefined ? [] : leb(max))];
          const exports = [...name('store'), 0, 0, ...name('grow'), 0, 1, ...(exportMemory ? [...name('mem'), 2, 0] : [])];
          const store = memory64 ? [0, 0x20, 0, 0xad, 0x20, 1, 0x3a, 0, 0, 0x0b] : [0, 0x20, 0, 0x20, 1, 0x3a, 0, 0, 0x0b];
          const grow = memory64 ? [0, 0x20, 0, 0xad, 0x40, 0, 0xa7, 0x0b] : [0, 0x20, 0, 0x40, 0, 0x0b];
          return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, types), ...section(3, [2, 0, 1]),
            ...section(5, [1, ...limits]), ...section(7, [exportMemory ? 3 : 2, ...exports]),
            ...section(10, [2, ...leb(store.length), ...store, ...leb(grow.length), ...grow])]);
        }
        return { bytes, instance: (o) => new WebAssembly.Instance(new WebAssembly.Module(bytes(o))) };
      })();
      const turn = () => new Promise((r) => setTimeout(r, 0));
      """;

  /**
   * Runs {@code hostile} (budget 32 MiB) beside a sibling pair streaming 20,000 numbered 4 KiB
   * messages; the sibling must finish with every message in order, and the process must not grow
   * by more than {@code 512 MiB} (the hostile one tries for gigabytes). Returns the hostile one's
   * end; its log lines are in {@link #log}.
   */
  private ExitStatus hostileBesideAStream(String hostile) throws Exception {
    Ring ring = ring(1 << 16);
    try (RssWatch rss = new RssWatch()) {
      Component sink = start(new Component.Context().name("sink").script("""
          async function main(env) {
            let n = 0, bad = 0;
            for await (const m of env.in) { if (m.length !== 4096 || new DataView(m.buffer, m.byteOffset, 4).getUint32(0) !== n) bad++; n++; }
            console.log('streamed', n, bad);
          }""", "sink.js").grant(EnvEntry.of("in", Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ)))));
      Component source = start(new Component.Context().name("source").script("""
          async function main(env) {
            for (let i = 0; i < 20000; i++) {
              const m = new Uint8Array(4096); new DataView(m.buffer).setUint32(0, i);
              const p = env.out.write(m); if (p) await p;
              if (i % 500 === 0) await new Promise((r) => setTimeout(r, 1)); // stream for a while
            }
            await env.out.close();
          }""", "source.js").grant(EnvEntry.of("out", Capability.root(Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE)))));
      Component bad = start(new Component.Context().name("hostile").heapBytes(32L << 20).cpuMillisPerTurn(10_000)
          .script(WASM + hostile, "hostile.js"));
      ExitStatus s = await(bad);
      awaitSuccess(sink, source);
      assertTrue(log.contains("sink:streamed 20000 0"), log.toString());
      System.out.printf("%s: the process grew by at most %d MiB%n", s, rss.growth() >> 20);
      assertTrue(rss.growth() < (512L << 20), "the process grew by " + (rss.growth() >> 20) + " MiB; " + log);
      return s;
    }
  }

  private List<String> hostileLog() {
    List<String> out = new ArrayList<>();
    for (String l : log) {
      if (l.startsWith("hostile:")) {
        out.add(l.substring("hostile:".length()));
      }
    }
    return out;
  }

  @Test
  void shouldStopAWasmMemoryGrownAndTouchedAcrossTurnsAtItsBudget() throws Exception {
    // Declares no maximum and tries to grow to 2 GiB, 1 MiB per turn, writing every 4 KiB page; it
    // also keeps a 64 KiB buffer, so a memory as large as the budget puts it over.
    ExitStatus s = hostileBesideAStream("""
        async function main(env) {
          const scratch = new Uint8Array(65536).fill(1);
          const { exports } = wasm.instance({ min: 0 });
          let js;
          try { exports.mem.grow(1024); js = 'grew'; } catch (e) { js = e.name; }
          console.log('at once: wasm', exports.grow(1024), 'js', js);
          let pages = 0;
          while (pages < 32768) {
            if (exports.grow(16) < 0) { console.log('grow refused at', pages); break; }
            for (let a = pages * 65536; a < (pages + 16) * 65536; a += 4096) exports.store(a, scratch[a & 0xffff]);
            pages += 16;
            console.log('pages', pages);
            await turn();
          }
        }""");
    assertEquals(Component.Outcome.TERMINATED, s.outcome(), s.toString() + " " + hostileLog());
    assertTrue(s.reason().matches("off-heap budget of 32 MiB exceeded: [\\d.]+ MiB live after a full GC \\([\\d.]+ MiB collected; "
        + "[\\d.]+ MiB of ArrayBuffers, 32 MiB of WebAssembly memory\\)"), s.reason());
    List<String> out = hostileLog();
    assertEquals("at once: wasm -1 js RangeError", out.get(0));
    assertEquals("pages 512", out.get(out.size() - 1), out.toString());
  }

  @Test
  void shouldCountAWasmMemoryTheModuleDoesNotExport() throws Exception {
    // The module's own memory, never exported, up to 16 MiB: made by the platform and counted.
    ExitStatus s = hostileBesideAStream("""
        async function fill() {
          const { exports } = wasm.instance({ min: 1, max: 256, exportMemory: false });
          let pages = 1;
          while (exports.grow(15) >= 0) {
            for (let a = pages * 65536; a < (pages + 15) * 65536; a += 4096) exports.store(a, 1);
            pages += 15;
            await turn();
          }
          console.log('pages', pages, 'then', exports.grow(1));
          return exports.grow; // only a function of the instance is kept
        }
        function tryMemory(pages) {
          try { new WebAssembly.Memory({ initial: pages }); return 'made'; } catch (e) { return e.name + ': ' + e.message; }
        }
        async function main(env) {
          console.log('imports', JSON.stringify(WebAssembly.Module.imports(new WebAssembly.Module(wasm.bytes({ exportMemory: false })))));
          let grow = await fill();
          await turn();
          console.log(tryMemory(257));
          console.log('kept by its function', tryMemory(257).split(':')[0], grow(0));
          grow = null;
          await turn();
          console.log('after it is gone', tryMemory(257));
        }""");
    assertTrue(s.success(), s.toString());
    assertEquals(List.of("imports []", "pages 256 then -1",
        "RangeError: cannot make a WebAssembly memory of 257 pages: it needs 16842752 bytes, and 16777216 of the 33554432"
            + " bytes of this component's off-heap budget are left for growable memory",
        "kept by its function RangeError 256", "after it is gone made"), hostileLog());
  }

  @Test
  void shouldStopAResizableArrayBufferGrownAcrossTurnsAtItsBudget() throws Exception {
    ExitStatus s = hostileBesideAStream("""
        async function main(env) {
          const tries = [];
          for (const max of [2 ** 45, 2 ** 32, 64 << 20]) {
            try { new ArrayBuffer(0, { maxByteLength: max }); tries.push('made'); } catch (e) { tries.push(e.name); }
          }
          console.log('reserve', tries.join(' '));
          const b = new ArrayBuffer(0, { maxByteLength: 24 << 20 });
          try {
            for (;;) { const from = b.byteLength; b.resize(from + (1 << 20)); new Uint8Array(b).fill(1, from); await turn(); }
          } catch (e) { console.log('resize stopped at', b.byteLength >> 20, 'MiB:', e.name); }
          let second;
          try { new ArrayBuffer(0, { maxByteLength: 16 << 20 }); second = 'made'; } catch (e) { second = e.name; }
          console.log('second', second);
          // Ordinary buffers on top of it: over the budget, so the component is stopped.
          const keep = [];
          for (;;) { keep.push(new Uint8Array(1 << 20).fill(1)); await turn(); }
        }""");
    assertEquals(Component.Outcome.TERMINATED, s.outcome(), s.toString());
    assertTrue(s.reason().startsWith("off-heap budget of 32 MiB exceeded: "), s.reason());
    assertEquals(List.of("reserve RangeError RangeError RangeError", "resize stopped at 24 MiB: RangeError", "second RangeError"), hostileLog());
  }

  @Test
  void shouldStopAWasmTableGrownAcrossTurnsByTheHeapBudget() throws Exception {
    // A table's entries live on the JS heap (1 M function references: about 23 MiB measured).
    ExitStatus s = hostileBesideAStream("""
        async function main(env) {
          const table = new WebAssembly.Table({ initial: 0, element: 'anyfunc' });
          for (;;) { table.grow(1 << 20); console.log('entries', table.length); await turn(); }
        }""");
    assertEquals(Component.Outcome.TERMINATED, s.outcome(), s.toString());
    assertTrue(s.reason().startsWith("heap budget of 32 MiB exceeded: "), s.reason());
  }

  @Test
  void shouldRefuseManyWasmMemoriesAtTheCeilingInsteadOfAbortingTheProcess() throws Exception {
    ExitStatus s = hostileBesideAStream("""
        async function main(env) {
          const keep = [];
          let error = '';
          try { for (let i = 0; i < 200; i++) keep.push(new WebAssembly.Memory({ initial: 1, maximum: 1 })); } catch (e) { error = e.name + ': ' + e.message; }
          console.log(keep.length, error);
          // Dropped memories are given back once collected (in a later turn).
          keep.length = 0;
          await turn();
          const instances = [];
          try { for (let i = 0; i < 200; i++) instances.push(wasm.instance({ min: 1, max: 1, exportMemory: false })); } catch (e) { error = e.name; }
          console.log('instances', instances.length, error);
        }""");
    assertTrue(s.success(), s.toString());
    assertEquals(List.of(
        "64 RangeError: cannot make a WebAssembly memory of 1 pages: this component holds 64 growable memories"
            + " (WebAssembly memories and resizable ArrayBuffers), the most it may",
        "instances 64 RangeError"), hostileLog());
  }

  @Test
  void shouldCapEveryWasmMemoryInTheEngineItselfAsABackstop() throws Exception {
    // A bare isolate, without the prelude: V8's own per-memory ceiling is the heap ceiling.
    try (var rt = Engine.newRuntime()) {
      String r = rt.getExecutor("""
          const m = new WebAssembly.Memory({ initial: 0 });
          let over; try { m.grow(Engine_MAX_PAGES + 1); over = 'grew'; } catch (e) { over = e.name; }
          const m64 = new WebAssembly.Memory({ initial: 0n, address: 'i64' });
          let over64; try { m64.grow(BigInt(Engine_MAX_PAGES + 1)); over64 = 'grew'; } catch (e) { over64 = e.name; }
          over + ' ' + over64;""".replace("Engine_MAX_PAGES", Integer.toString(Engine.MAX_WASM_PAGES))).executeString();
      assertEquals("RangeError RangeError", r);
    }
  }

  @Test
  void shouldKeepTheWebAssemblyApiWorkingForOrdinaryModules() throws Exception {
    // A module importing a function and defining (and exporting) a memory of 1 to 4 pages:
    // twice(x) imported; store(address, byte), grow(pages), call(x) = twice(x) exported.
    Component c = start(new Component.Context().name("api").script(WASM + """
        const leb = (n) => { const out = []; do { let b = n & 0x7f; n = Math.floor(n / 128); if (n) b |= 0x80; out.push(b); } while (n); return out; };
        const name = (s) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
        const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
        const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
          ...section(1, [2, 0x60, 2, 0x7f, 0x7f, 0, 0x60, 1, 0x7f, 1, 0x7f]),
          ...section(2, [1, ...name('env'), ...name('twice'), 0, 1]),
          ...section(3, [3, 0, 1, 1]),
          ...section(5, [1, 1, 1, 4]),
          ...section(7, [4, ...name('mem'), 2, 0, ...name('store'), 0, 1, ...name('grow'), 0, 2, ...name('call'), 0, 3]),
          ...section(10, [3, 9, 0, 0x20, 0, 0x20, 1, 0x3a, 0, 0, 0x0b, 6, 0, 0x20, 0, 0x40, 0, 0x0b, 6, 0, 0x20, 0, 0x10, 0, 0x0b])]);
        async function main(env) {
          const out = [WebAssembly.validate(bytes)];
          out.push(WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((e) => e.module + '.' + e.name + ':' + e.kind).join());
          out.push(WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name + ':' + e.kind).join());
          const { module, instance } = await WebAssembly.instantiate(bytes, { env: { twice: (x) => 2 * x } });
          out.push(module instanceof WebAssembly.Module, instance instanceof WebAssembly.Instance, instance.exports.mem instanceof WebAssembly.Memory);
          out.push(instance.exports.call(21));
          instance.exports.store(5, 7);
          out.push(new Uint8Array(instance.exports.mem.buffer)[5], instance.exports.grow(3), instance.exports.grow(1));
          const again = await WebAssembly.instantiate(await WebAssembly.compile(bytes), { env: { twice: (x) => x + 1 } });
          out.push(again.exports.call(1));
          try { new WebAssembly.Instance(module); } catch (e) { out.push(e.name); }
          const resizable = again.exports.mem.toResizableBuffer();
          resizable.resize(2 * 65536);
          out.push(again.exports.mem.buffer.byteLength);
          try { new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }); } catch (e) { out.push(e.name); }
          out.push(typeof SharedArrayBuffer, typeof WebAssembly.promising, typeof WebAssembly.Suspending);
          out.push(new ArrayBuffer(8).constructor === ArrayBuffer, ArrayBuffer.isView(new Uint8Array(1)), ArrayBuffer.name);
          class Big extends ArrayBuffer {}
          const big = new Big(4, { maxByteLength: 8 });
          out.push(big instanceof Big, big.resizable, big.maxByteLength);
          // Several memories: each declares a maximum (one without may take all that is left).
          const m64 = new WebAssembly.Memory({ initial: 1n, maximum: 16n, address: 'i64' });
          out.push(String(m64.grow(1n)), m64.buffer.byteLength);
          const own = wasm.instance({ min: 1, max: 16, memory64: true });
          out.push(own.exports.grow(1), own.exports.mem.buffer.byteLength);
          console.log(out.join(' '));
        }""", "api.js"));
    assertTrue(await(c).success(), c.status().toString());
    assertEquals(List.of("api:true env.twice:function mem:memory,store:function,grow:function,call:function true true true 42"
        + " 7 1 -1 2 TypeError 131072 TypeError undefined undefined undefined true true ArrayBuffer true true 8 1 131072 1 131072"), log);
  }
}
