package b8g.components;

import static org.junit.jupiter.api.Assertions.*;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.Component.EnvEntry;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import b8g.memory.RingWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Snapshots of live components on real isolates: state, capabilities, channels, regions, refusals. */
class ComponentSnapshotTest extends ComponentFixture {
  private static final Duration T = Duration.ofSeconds(20);
  private volatile java.util.function.Consumer<Component> onLog = c -> {};

  private final HostServices services = Fixtures.logging((s, text) -> { log.add(s.name() + ":" + text); onLog.accept(s); });

  private static final Capability LOG = Capability.root(Kind.LOG, null, EnumSet.noneOf(Right.class));

  private Component.Context context(String name, EnvEntry... env) {
    Component.Context ctx = new Component.Context().name(name).services(services).snapshottable(true);
    ctx.grant(EnvEntry.of("log", LOG.derive()));
    for (EnvEntry e : env) {
      ctx.grant(e);
    }
    return ctx;
  }

  private Component launch(Component.Context ctx) {
    Component c = Component.start(ctx);
    components.add(c);
    return c;
  }

  private Ring ring(String name) {
    Region r = Region.anonymous(name, 4096 + RingDescriptor.TRAILER_LENGTH);
    regions.add(r);
    return Ring.create(r);
  }

  private Region copyOf(Region source) {
    Region r = Region.anonymous(source.name(), source.size());
    regions.add(r);
    r.byteBuffer().put(0, source.byteBuffer().duplicate().clear(), 0, (int) source.size());
    return r;
  }

  private static void send(RingWriter w, String text) {
    assertTrue(w.write(text.getBytes(StandardCharsets.UTF_8), RingDescriptor.TYPE_TEXT, T));
  }

  private void awaitLog(String line) throws InterruptedException {
    long deadline = System.nanoTime() + T.toNanos();
    while (!log.contains(line)) {
      assertTrue(System.nanoTime() < deadline, "no log line \"" + line + "\" in " + log);
      Thread.sleep(5);
    }
  }

  private static Capability reader(Ring ring) {
    return Capability.root(Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ));
  }

  /** Heap state of every kind the issue names, reported on each command read from env.in. */
  private static final String STATE = """
      class Counter { #n = 0; inc() { return ++this.#n; } }
      const counter = new Counter();
      const m = new Map([['a', 1]]); const st = new Set([1, 2]);
      const wm = new WeakMap(); const key = {}; wm.set(key, 'w');
      const sym = Symbol('tag'); const obj = { [sym]: 'symval' };
      const big = 2n ** 70n; const date = new Date(Date.UTC(2020, 1, 2)); const ta = new Float64Array([1.5, 2.5]);
      function make() { let x = 10; return () => ++x; } const clo = make();
      function report() {
        return [counter.inc(), m.get('a'), st.size, wm.get(key), obj[sym], sym.description, String(big),
          date.toISOString(), ta[1], clo(), typeof WebAssembly, (1234.5).toLocaleString('de-DE'), 'é'.normalize('NFD').length, /\\p{Lu}/u.test('É'),
          'a'.localeCompare('b'), date.toLocaleDateString('en-US', { timeZone: 'UTC' })].join(' ');
      }
      async function main(env) {
        const input = env.in; // a stub captured in a closure
        console.log('start', report());
        for await (const cmd of input) console.log(cmd, report());
      }""";

  @Test
  void shouldRoundTripHeapStateAndCapturedStubsIntoANewComponent() throws Exception {
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    Component a = launch(context("state", EnvEntry.of("in", reader(ring).derive())).script(STATE, "state.js"));
    awaitLog("state:start 1 1 2 w symval tag 1180591620717411303424 2020-02-02T00:00:00.000Z 2.5 11 undefined 1.234,5 2 true -1 2/2/2020");
    send(w, "a");
    awaitLog("state:a 2 1 2 w symval tag 1180591620717411303424 2020-02-02T00:00:00.000Z 2.5 12 undefined 1.234,5 2 true -1 2/2/2020");
    ComponentSnapshot snap = a.snapshot(T);
    assertEquals(List.of("log", "in"), List.copyOf(snap.held().keySet()));
    a.terminate("replaced by its restored copy");
    assertNotNull(a.awaitExit(T));

    Component b = launch(context("state", EnvEntry.of("in", reader(ring).derive())).restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    send(w, "b");
    awaitLog("state:b 3 1 2 w symval tag 1180591620717411303424 2020-02-02T00:00:00.000Z 2.5 13 undefined 1.234,5 2 true -1 2/2/2020");
  }

  @Test
  void shouldRunNoGetterOfTheComponentsWhenARestoredContextIsAttached() throws Exception {
    // Attaching a restored context looks at the globals V8 put back (WebAssembly,
    // SharedArrayBuffer, Float16Array): through own data properties only, so getters the component
    // planted on the global and on Object.prototype never run there (one would run outside a turn,
    // where the CPU watchdog does not look, before the dispatcher is bound).
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    String script = """
        let hits = 0;
        for (const name of ['SharedArrayBuffer', 'WebAssembly', 'Float16Array']) {
          Object.defineProperty(globalThis, name, { configurable: true, get() { hits++; return undefined; } });
        }
        Object.defineProperty(Object.prototype, 'value', { configurable: true, get() { hits++; return undefined; } });
        async function main(env) {
          console.log('start', hits);
          for await (const cmd of env.in) console.log(cmd, hits);
        }""";
    Component a = launch(context("getters", EnvEntry.of("in", reader(ring).derive())).script(script, "getters.js"));
    awaitLog("getters:start 0");
    ComponentSnapshot snap = a.snapshot(T);
    send(w, "a");
    awaitLog("getters:a 0");
    a.terminate("replaced by its restored copy");
    assertNotNull(a.awaitExit(T));

    Component b = launch(context("getters", EnvEntry.of("in", reader(ring).derive())).restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    send(w, "b");
    awaitLog("getters:b 0");
  }

  @Test
  void shouldKeepANetStubAndFetchObjectsAcrossARestore() throws Exception {
    // The NET stub is a slot record like run's: a restore re-binds it by name, and it reaches the
    // host again (this host serves no network: capability.unknown says the call got there).
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    String script = """
        const h = new Headers({ 'X-Kept': 'yes' });
        const res = new Response('kept body', { status: 203, headers: h });
        async function main(env) {
          console.log('start', env.net.kind);
          for await (const cmd of env.in) {
            let reached;
            try { await env.net.connect('127.0.0.1', 1); reached = 'connected'; } catch (e) { reached = e.code; }
            console.log(cmd, env.net.kind, h.get('x-kept'), res.status, res.headers.get('x-kept'), reached);
            if (cmd === 'b') console.log(await res.text());
          }
        }""";
    Capability net = Capability.root(Kind.NET, null, EnumSet.noneOf(Right.class));
    Component a = launch(context("net", EnvEntry.of("in", reader(ring).derive()), EnvEntry.of("net", net.derive())).script(script, "net.js"));
    awaitLog("net:start net");
    send(w, "a");
    awaitLog("net:a net yes 203 yes capability.unknown");
    ComponentSnapshot snap = a.snapshot(T);
    a.terminate("replaced by its restored copy");
    assertNotNull(a.awaitExit(T));

    Component b = launch(context("net", EnvEntry.of("in", reader(ring).derive()), EnvEntry.of("net", net.derive()))
        .restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    send(w, "b");
    awaitLog("net:b net yes 203 yes capability.unknown");
    awaitLog("net:kept body");
  }

  @Test
  void shouldKeepUrlsBlobsAndStreamsAcrossARestore() throws Exception {
    // The web APIs keep their state in the heap (WeakMaps of records): a restore brings it back,
    // and a channel end's readable goes on over the re-bound ring.
    String script = """
        const u = new URL('http://h/p?a=1');
        const blob = new Blob(['kept']);
        const ts = new TransformStream({ transform(c, k) { k.enqueue(c.toUpperCase()); } });
        async function main(env) {
          const w = ts.writable.getWriter(), out = ts.readable.getReader();
          for await (const m of env.in.readable) {
            w.write(m);
            u.searchParams.append('m', (await out.read()).value);
            console.log(u.href, await blob.text());
          }
        }""";
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    Component a = launch(context("web", EnvEntry.of("in", reader(ring).derive())).script(script, "web.js"));
    send(w, "a");
    awaitLog("web:http://h/p?a=1&m=A kept");
    ComponentSnapshot snap = a.snapshot(T);
    a.terminate("replaced by its restored copy");
    assertNotNull(a.awaitExit(T));
    Component b = launch(context("web", EnvEntry.of("in", reader(ring).derive())).restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    send(w, "b");
    awaitLog("web:http://h/p?a=1&m=A&m=B kept");
  }

  @Test
  void shouldErrorACompressionStreamThatWasOpenAcrossARestore() throws Exception {
    // Engines live on the host, not in the snapshot: the restored stream's handle names nothing.
    String script = """
        let ds;
        async function main(env) {
          for await (const m of env.in.readable) {
            if (m === 'open') { ds = new DecompressionStream('gzip'); console.log('opened'); continue; }
            const r = ds.readable.getReader();
            ds.writable.getWriter().write(new Uint8Array([0x1f, 0x8b])).catch(() => {});
            try { await r.read(); console.log('read?!'); } catch (e) { console.log(e.name, e.message); }
          }
        }""";
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    Component a = launch(context("zip", EnvEntry.of("in", reader(ring).derive())).script(script, "zip.js"));
    send(w, "open");
    awaitLog("zip:opened");
    ComponentSnapshot snap = a.snapshot(T);
    a.terminate("replaced by its restored copy");
    assertNotNull(a.awaitExit(T));
    Component b = launch(context("zip", EnvEntry.of("in", reader(ring).derive())).restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    send(w, "use");
    awaitLog("zip:TypeError the compression stream is closed (or did not survive a snapshot)");
  }

  @Test
  void shouldSnapshotAndRestoreAComponentMadeOfModules() throws Exception {
    // Module functions, their cached exports and each module's require live in the heap.
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    List<ScriptModule> graph = List.of(
        new ScriptModule("main.js", """
            const counter = require('./counter');
            exports.main = async function (env) {
              console.log('start', counter.next(), require('./counter') === counter);
              for await (const cmd of env.in) console.log(cmd, counter.next(), require('./counter') === counter, require('./lazy').value);
            };""", Map.of("./counter", "lib/counter.js", "./lazy", "lib/lazy.js"), null),
        new ScriptModule("lib/counter.js", "let n = 0; exports.next = () => ++n;", Map.of(), null),
        new ScriptModule("lib/lazy.js", "exports.value = 'lazy ' + __filename;", Map.of(), null));
    Component a = launch(context("mods", EnvEntry.of("in", reader(ring).derive())).modules(graph));
    awaitLog("mods:start 1 true");
    send(w, "a");
    awaitLog("mods:a 2 true lazy lib/lazy.js");
    ComponentSnapshot snap = a.snapshot(T);
    a.terminate("replaced by its restored copy");
    assertNotNull(a.awaitExit(T));

    Component b = launch(context("mods", EnvEntry.of("in", reader(ring).derive())).restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    send(w, "b");
    awaitLog("mods:b 3 true lazy lib/lazy.js");
  }

  @Test
  void shouldSnapshotAndRestoreIndependentComponentsSideBySideInOneProcess() throws Exception {
    // Three lineages alive at once, each snapshotted (each then goes on in a restored runtime),
    // then restored side by side while the originals still run: this aborted the JVM before the
    // read-only anchor (Engine), and a restore could even come up with another context's values.
    List<Ring> rings = new ArrayList<>();
    List<Component> originals = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Ring ring = ring("in" + i);
      rings.add(ring);
      String script = "const mine = 'lineage" + i + "'; function f" + i + "() { return mine + ':' + " + i + "; }\n"
          + "async function main(env) { for await (const c of env.in) console.log(c, f" + i + "()); }";
      originals.add(launch(context("c" + i, EnvEntry.of("in", reader(ring).derive())).script(script, "c" + i + ".js")));
    }
    List<ComponentSnapshot> snaps = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      snaps.clear();
      for (Component c : originals) {
        assertTrue(c.awaitStarted(T));
        snaps.add(c.snapshot(T));
      }
    }
    List<Component> restored = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Ring copy = Ring.attach(copyOf(rings.get(i).region()));
      rings.add(copy);
      restored.add(launch(context("r" + i, EnvEntry.of("in", reader(copy).derive())).restore(snaps.get(i).blob(), snaps.get(i).held().keySet())));
    }
    for (int i = 0; i < 3; i++) {
      assertTrue(restored.get(i).awaitStarted(T));
      RingWriter toRestored = rings.get(3 + i).writer();
      send(rings.get(i).writer(), "o");
      send(toRestored, "r");
      awaitLog("c" + i + ":o lineage" + i + ":" + i);
      awaitLog("r" + i + ":r lineage" + i + ":" + i);
      // A restored component is snapshotted in turn and keeps its stubs (re-bound by name).
      restored.get(i).snapshot(T);
      send(toRestored, "again");
      awaitLog("r" + i + ":again lineage" + i + ":" + i);
    }
  }

  @Test
  void shouldGoOnAfterSnapshotAndSnapshotTwiceInARow() throws Exception {
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    Component a = launch(context("state", EnvEntry.of("in", reader(ring).derive())).script(STATE, "state.js"));
    assertTrue(a.awaitStarted(T));
    ComponentSnapshot first = a.snapshot(T);
    send(w, "one");
    awaitLog("state:one 2 1 2 w symval tag 1180591620717411303424 2020-02-02T00:00:00.000Z 2.5 12 undefined 1.234,5 2 true -1 2/2/2020");
    // The component now runs in a runtime restored from `first`: a snapshot of a restored runtime.
    ComponentSnapshot second = a.snapshot(T);
    ComponentSnapshot third = a.snapshot(T);
    send(w, "two");
    awaitLog("state:two 3 1 2 w symval tag 1180591620717411303424 2020-02-02T00:00:00.000Z 2.5 13 undefined 1.234,5 2 true -1 2/2/2020");
    assertNull(a.status());
    assertTrue(first.blob().length > 0 && second.blob().length > 0 && third.blob().length > 0);
  }

  @Test
  void shouldDeliverUnreadMessagesExactlyOnceAfterRestore() throws Exception {
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    Component a = launch(context("state", EnvEntry.of("in", reader(ring).derive())).script(STATE, "state.js"));
    assertTrue(a.awaitStarted(T));
    Region saved;
    ComponentSnapshot snap;
    try (Component.Paused p = a.pause(T)) {
      // Written while the reader is parked with a read pending: unread at the snapshot.
      send(w, "x");
      send(w, "y");
      saved = copyOf(ring.region()); // what a stack image keeps
      snap = p.snapshot();
    }
    a.terminate("replaced");
    assertNotNull(a.awaitExit(T));
    log.clear();
    Ring restored = Ring.attach(saved);
    Component b = launch(context("state", EnvEntry.of("in", reader(restored).derive())).restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    awaitLog("state:y 3 1 2 w symval tag 1180591620717411303424 2020-02-02T00:00:00.000Z 2.5 13 undefined 1.234,5 2 true -1 2/2/2020");
    send(restored.writer(), "z");
    awaitLog("state:z 4 1 2 w symval tag 1180591620717411303424 2020-02-02T00:00:00.000Z 2.5 14 undefined 1.234,5 2 true -1 2/2/2020");
    assertEquals(3, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("state:x 2 "), log.toString());
  }

  @Test
  void shouldRebindRegionsSoRestoredBytesAreSharedAgain() throws Exception {
    Region region = Region.anonymous("data", 4096);
    regions.add(region);
    Capability rw = Capability.root(Kind.REGION, region, EnumSet.of(Right.READ, Right.WRITE));
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    String script = """
        async function main(env) {
          const data = env.data; // captured
          const ro = data.attenuate('read');
          new Uint8Array(data.buffer)[0] = 42;
          for await (const cmd of env.in) {
            const u8 = new Uint8Array(data.buffer);
            if (cmd === 'write') u8[1] = 43;
            console.log(cmd, u8[0], u8[1], u8[2], ro.read(0, 3).join(','), ro.rights.join('+'));
          }
        }""";
    Component a = launch(context("r", EnvEntry.of("data", rw.derive()), EnvEntry.of("in", reader(ring).derive())).script(script, "r.js"));
    assertTrue(a.awaitStarted(T));
    Region saved;
    ComponentSnapshot snap;
    try (Component.Paused p = a.pause(T)) {
      saved = copyOf(region);
      snap = p.snapshot();
    }
    assertTrue(snap.held().containsKey("data#1"), snap.held().keySet().toString());
    a.terminate("replaced");
    assertNotNull(a.awaitExit(T));
    assertEquals(42, saved.byteBuffer().get(0));
    saved.byteBuffer().put(2, (byte) 44); // another holder writes after the restore
    Ring restoredRing = Ring.attach(copyOf(ring.region()));
    Capability savedRw = Capability.root(Kind.REGION, saved, EnumSet.of(Right.READ, Right.WRITE));
    Component b = launch(context("r", EnvEntry.of("data", savedRw.derive()), EnvEntry.of("in", reader(restoredRing).derive()))
        .restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    send(restoredRing.writer(), "write");
    awaitLog("r:write 42 43 44 42,43,44 read");
    assertEquals(43, saved.byteBuffer().get(1), "a write after restore reaches the shared region");
  }

  @Test
  void shouldRevokeWhatTheRestoringContextNoLongerGrants() throws Exception {
    Region region = Region.anonymous("data", 4096);
    regions.add(region);
    Ring ring = ring("in");
    String script = """
        async function main(env) {
          const data = env.data;
          for await (const cmd of env.in) {
            let r; try { data.read(0, 1); r = 'ok'; } catch (e) { r = e.name + ':' + e.code; }
            console.log(cmd, r);
          }
        }""";
    Component a = launch(context("g", EnvEntry.of("data", Capability.root(Kind.REGION, region, EnumSet.of(Right.READ, Right.WRITE)).derive()),
        EnvEntry.of("in", reader(ring).derive())).script(script, "g.js"));
    assertTrue(a.awaitStarted(T));
    ComponentSnapshot snap = a.snapshot(T);
    a.terminate("replaced");
    assertNotNull(a.awaitExit(T));
    Component b = launch(context("g", EnvEntry.of("in", reader(ring).derive())).restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    send(ring.writer(), "now");
    awaitLog("g:now CapabilityError:capability.revoked");
  }

  @Test
  void shouldRefuseAComponentStartedWithoutSnapshots() throws Exception {
    Component c = launch(context("plain").snapshottable(false).script("async function main(env) { await new Promise(() => {}); }", "p.js"));
    assertTrue(c.awaitStarted(T));
    ComponentException e = assertThrows(ComponentException.class, () -> c.snapshot(T));
    assertEquals("snapshot.disabled", e.code());
    assertTrue(e.getMessage().contains("without snapshots enabled"), e.getMessage());
    assertNull(c.status(), "the component goes on");
  }

  @Test
  void shouldRefuseFinalizationRegistryInsteadOfAbortingTheProcess() throws Exception {
    Ring ring = ring("in");
    String script = """
        const fr = new FinalizationRegistry(() => {});
        (function () { fr.register({}, 1); })();
        async function main(env) { for await (const cmd of env.in) console.log('still', cmd); }""";
    Component c = launch(context("fr", EnvEntry.of("in", reader(ring).derive())).script(script, "fr.js"));
    assertTrue(c.awaitStarted(T));
    ComponentException e = assertThrows(ComponentException.class, () -> c.snapshot(T));
    assertEquals("snapshot.unsupported", e.code());
    assertTrue(e.getMessage().contains("FinalizationRegistry"), e.getMessage());
    send(ring.writer(), "here");
    awaitLog("fr:still here");
  }

  @Test
  void shouldRefuseAnIntlObjectInsteadOfAbortingTheProcess() throws Exception {
    Ring ring = ring("in");
    String script = """
        const nf = new Intl.NumberFormat('de-DE');
        class Mine extends Intl.Collator {}
        const facts = [nf instanceof Intl.NumberFormat, Intl.NumberFormat.name, Intl.NumberFormat.length,
          typeof Intl.NumberFormat.supportedLocalesOf, new Mine('de') instanceof Intl.Collator,
          Intl.DateTimeFormat('en').resolvedOptions().locale, nf.constructor === Intl.NumberFormat];
        async function main(env) { console.log(facts.join(' ')); for await (const cmd of env.in) console.log('still', cmd, nf.format(1.5)); }""";
    Component c = launch(context("intl", EnvEntry.of("in", reader(ring).derive())).script(script, "intl.js"));
    awaitLog("intl:true NumberFormat 0 function true en true");
    ComponentException e = assertThrows(ComponentException.class, () -> c.snapshot(T));
    assertEquals("snapshot.unsupported", e.code());
    assertTrue(e.getMessage().contains("Intl.NumberFormat object"), e.getMessage());
    send(ring.writer(), "here");
    awaitLog("intl:still here 1,5");
  }

  @Test
  void shouldSnapshotAComponentThatTriedAModuleImport() throws Exception {
    String script = """
        async function main(env) {
          let r; try { await import('x'); r = 'loaded'; } catch (e) { r = 'refused'; }
          console.log('import', r, typeof WebAssembly, typeof SharedArrayBuffer);
          await new Promise(() => {});
        }""";
    Component c = launch(context("mod").script(script, "mod.js"));
    awaitLog("mod:import refused undefined undefined");
    assertTrue(c.snapshot(T).blob().length > 0);
  }

  @Test
  void shouldRefuseAPauseFromInsideTheComponentsOwnTurn() throws Exception {
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    onLog = s -> {
      try {
        s.pause(T).close();
      } catch (ComponentException e) {
        errors.add(e.code() + " " + e.getMessage());
      }
    };
    Component c = launch(context("self").script("async function main(env) { console.log('x'); await new Promise(() => {}); }", "s.js"));
    awaitLog("self:x");
    for (int i = 0; i < 1000 && errors.isEmpty(); i++) {
      Thread.sleep(5);
    }
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).startsWith("snapshot.in_flight") && errors.get(0).contains("in flight"), errors.toString());
    onLog = s -> {};
    assertTrue(c.snapshot(T).blob().length > 0);
  }

  @Test
  void shouldRefuseWhenNoTurnBoundaryComes() throws Exception {
    Component c = launch(context("busy").cpuMillisPerTurn(3000).script(
        "async function main(env) { console.log('in'); const t = Date.now(); while (Date.now() - t < 1500) {} }", "b.js"));
    awaitLog("busy:in");
    ComponentException e = assertThrows(ComponentException.class, () -> c.pause(Duration.ofMillis(200)));
    assertEquals("snapshot.busy", e.code());
  }

  @Test
  void shouldKeepPlainValueSecretsOutOfTheBlobAndRegrantThemOnRestore() throws Exception {
    String secret = "5ec7e7".repeat(10) + "abcd";
    String fresh = "f7e5a0".repeat(10) + "1234";
    Ring ring = ring("in");
    RingWriter w = ring.writer();
    String script = "async function main(env) { for await (const m of env.in) console.log(m, env.peer_secret.slice(0, 6)); }";
    Component a = launch(context("keeper", EnvEntry.of("in", reader(ring).derive()), EnvEntry.value("peer_secret", secret)).script(script, "keeper.js"));
    assertTrue(a.awaitStarted(T));
    ComponentSnapshot snap = a.snapshot(T);
    String blob = new String(snap.blob(), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertFalse(blob.contains(secret), "a granted secret was written into the context blob");
    send(w, "after-snapshot");
    awaitLog("keeper:after-snapshot 5ec7e7");
    a.terminate("replaced");
    assertNotNull(a.awaitExit(T));
    Component b = launch(context("keeper", EnvEntry.of("in", reader(ring).derive()), EnvEntry.value("peer_secret", fresh))
        .restore(snap.blob(), snap.held().keySet()));
    assertTrue(b.awaitStarted(T));
    send(w, "restored");
    awaitLog("keeper:restored f7e5a0");
  }
}
