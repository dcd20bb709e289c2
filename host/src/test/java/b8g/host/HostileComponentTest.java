package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.components.Component.Outcome;
import b8g.host.manifest.schema.Isolation;
import b8g.memory.Region;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile components in a real host, in both isolation tiers: each one is stopped alone, with a
 * reason that says why, while a sibling pair streams over a channel beside it before, during and
 * after; the host supervises on (the hostile one is restarted once and stopped again) and closes
 * cleanly. In the PROCESS tier the hostile component has a worker of its own and the pair shares
 * another, so a hostile that takes its worker down (a V8 fatal error) takes only itself.
 *
 * <p>The components-level tests of the same limits ({@code ComponentTest}, {@code
 * RevocationAndLimitsTest}, {@code MemoryBudgetTest} in {@code components}) start isolates
 * without a host; these are their host-level counterparts, where a component may run in a worker.
 */
class HostileComponentTest extends HostFixture {
  /**
   * The pair: the source streams numbered 4 KiB messages until the test sets the stop word in its
   * region (and at least 1,000); the sink checks each number is the one after the last.
   */
  private static final String SOURCE = """
      async function main(env) {
        const stop = new Int32Array(env.stop.buffer);
        const m = new Uint8Array(4096), dv = new DataView(m.buffer);
        const began = Date.now();
        let i = 0;
        for (; (i < 1000 || Atomics.load(stop, 0) === 0) && Date.now() - began < 120000; i++) {
          dv.setUint32(0, i);
          const p = env.out.write(m);
          if (p) await p;
          if (i % 256 === 255) await new Promise((r) => setTimeout(r, 1));
        }
        console.log('wrote', i);
        await env.out.close();
      }""";
  private static final String SINK = """
      async function main(env) {
        let n = 0, bad = 0;
        for await (const m of env.in) { if (m.length !== 4096 || new DataView(m.buffer, m.byteOffset, 4).getUint32(0) !== n) bad++; n++; }
        console.log('read', n, 'bad', bad);
      }""";

  /**
   * A hostile component: its script, its limits, and how it must end in both tiers. {@code
   * outcomes} holds more than one outcome only where a tier may legitimately end it another way
   * (a worker's V8 may die of it: FAILED with the signal, instead of the budget's TERMINATED).
   */
  record Hostile(String name, String script, String limits, Set<Outcome> outcomes, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Hostile> HOSTILES = List.of(
      new Hostile("runaway CPU loop", """
          async function main(env) { console.log('spinning'); for (;;) {} }""",
          "cpu_ms_per_turn: 200", Set.of(Outcome.TERMINATED), "CPU limit exceeded: a turn ran longer than 200 ms"),
      new Hostile("heap bomb in one turn", """
          async function main(env) { const a = []; for (;;) a.push(new Array(100000).fill(Math.random())); }""",
          "heap_mib: 32 cpu_ms_per_turn: 60000", Set.of(Outcome.TERMINATED), "heap (budget of 32 MiB exceeded|reached the engine's limit).*"),
      new Hostile("heap hoarder across turns", """
          async function main(env) {
            const keep = [];
            for (;;) { keep.push(new Array(100000).fill(0).map((_, i) => ({ i }))); await new Promise((r) => setTimeout(r, 0)); }
          }""",
          "heap_mib: 24", Set.of(Outcome.TERMINATED), "heap budget of 24 MiB exceeded: [\\d.]+ MiB live after a full GC \\([\\d.]+ MiB collected\\)"),
      new Hostile("ArrayBuffer hoarder", """
          async function main(env) {
            const keep = [];
            for (;;) { keep.push(new Uint8Array(1 << 20).fill(1)); await new Promise((r) => setTimeout(r, 0)); }
          }""",
          "heap_mib: 32", Set.of(Outcome.TERMINATED), "off-heap budget of 32 MiB exceeded: .*"),
      // The loop that used to end the host's process (V8 reserved address space for each memory's
      // whole maximum, 4 GiB without one, and nothing counted what it grew): now the first memory
      // gets what is left of the budget as its maximum, so growing it past that throws (the main
      // promise rejects: EXITED 1) unless the budget terminates it first at a turn end. In a
      // worker, a V8 fatal error would end the worker instead: FAILED with its signal.
      new Hostile("growing WebAssembly memories", """
          async function main(env) {
            const memories = [];
            for (;;) {
              const m = new WebAssembly.Memory({ initial: 1 });
              for (let p = 1; p < 4096; p *= 2) { m.grow(p); new Uint8Array(m.buffer).fill(1); await new Promise((r) => setTimeout(r, 0)); }
              memories.push(m);
            }
          }""",
          "heap_mib: 32", Set.of(Outcome.EXITED, Outcome.FAILED, Outcome.TERMINATED),
          "(RangeError: .*|off-heap budget of 32 MiB exceeded: .*|worker \\d+ ended \\(killed by signal \\d+.*)"),
      new Hostile("console flood in one endless turn", """
          async function main(env) { for (let i = 0; ; i++) console.log('flood', i); }""",
          "cpu_ms_per_turn: 200", Set.of(Outcome.TERMINATED), "CPU limit exceeded: a turn ran longer than 200 ms"));

  static Stream<Arguments> hostiles() {
    List<Arguments> all = new ArrayList<>();
    for (Isolation tier : List.of(Isolation.IN_PROCESS, Isolation.PROCESS)) {
      for (Hostile h : HOSTILES) {
        all.add(Arguments.of(tier, h));
      }
    }
    return all.stream();
  }

  private Path manifest(Hostile hostile) throws Exception {
    write("source.js", SOURCE);
    write("sink.js", SINK);
    write("hostile.js", hostile.script());
    return write("m.txtpb", """
        components { name: "source" script: "source.js" process_group: "stream" }
        components { name: "sink" script: "sink.js" process_group: "stream" }
        components { name: "hostile" script: "hostile.js" limits { %s }
                     restart { mode: ON_FAILURE max_restarts: 1 } }
        channels { name: "numbers" capacity: 65536 backing: ANONYMOUS }
        regions { name: "stop" size: 4096 backing: ANONYMOUS }
        grants { component: "source" channel: "numbers" rights: WRITE as: "out" }
        grants { component: "source" region: "stop" rights: [READ, WRITE] }
        grants { component: "sink" channel: "numbers" rights: READ as: "in" }
        grants { component: "source" host: LOG }
        grants { component: "sink" host: LOG }
        grants { component: "hostile" host: LOG }
        """.formatted(hostile.limits()));
  }

  /** The end events of {@code name} so far (FAILED, TERMINATED, or EXITED). */
  private List<HostEvent> ends(String name) {
    synchronized (events) {
      return events.stream().filter(e -> e.component().equals(name) && (e.kind() == HostEvent.Kind.FAILED
          || e.kind() == HostEvent.Kind.TERMINATED || e.kind() == HostEvent.Kind.EXITED)).toList();
    }
  }

  private void awaitEnds(String name, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (ends(name).size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(count, ends(name).size(), name + " did not end " + count + " times: " + events);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("hostiles")
  void shouldStopTheHostileComponentAloneWhileItsSiblingsStream(Isolation tier, Hostile hostile) throws Exception {
    long t0 = System.nanoTime();
    Map<String, ExitStatus> done;
    try (Host h = launch(manifest(hostile), tier)) {
      if (tier == Isolation.PROCESS) {
        assertNotEquals(0, h.workerPid("hostile"), "the hostile component runs in a worker");
        assertNotEquals(h.workerPid("hostile"), h.workerPid("sink"), "the hostile component has a worker of its own");
      } else {
        assertEquals(0, h.workerPid("hostile"));
      }
      // Stopped, restarted once, stopped again: supervision goes on after a hostile end.
      awaitEnds("hostile", 2);
      assertTrue(h.awaitCompletion(Duration.ZERO) == null, "the pair streams on after the hostile component ended");
      Region stop = h.region("stop");
      stop.byteBuffer().putInt(0, 1);
      done = finish(h, Duration.ofSeconds(90));
    }
    ExitStatus s = done.get("hostile");
    String ctx = tier + " " + hostile + ": " + s + "; events " + events;
    assertTrue(!s.success() && hostile.outcomes().contains(s.outcome()), ctx);
    assertTrue(Pattern.compile(hostile.reason(), Pattern.DOTALL).matcher(s.reason()).matches(), ctx);
    for (HostEvent e : ends("hostile")) {
      assertNotEquals(HostEvent.Kind.EXITED, e.kind(), ctx);
      assertTrue(Pattern.compile(hostile.reason(), Pattern.DOTALL).matcher(e.detail()).matches(), "each end says why: " + ctx);
    }
    assertEquals(1, events.stream().filter(e -> e.kind() == HostEvent.Kind.RESTARTED && e.component().equals("hostile")).count(), ctx);
    // The siblings: every message, in order, and a clean end.
    assertTrue(done.get("source").success() && done.get("sink").success(), done + " " + log);
    String wrote = log.stream().filter(l -> l.startsWith("[source] wrote ")).findFirst().orElseThrow(() -> new AssertionError(log.toString()));
    assertTrue(log.contains("[sink] read " + wrote.substring("[source] wrote ".length()) + " bad 0"), log.toString());
    // A flood reaches the host's log only at the console's rate (per instance: it ran twice).
    long hostileLines = log.stream().filter(l -> l.startsWith("[hostile] ")).count();
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L + 1;
    assertTrue(hostileLines <= 2 * (ConsoleSink.LINES_PER_SECOND + 1) * seconds, hostileLines + " lines in " + seconds + " s");
    System.out.printf("%s %s: %s; %d lines of it logged%n", tier, hostile, s, hostileLines);
  }

  @BothTiers
  void shouldRefuseAMessageOverTheChannelsMaximumAndCarryOneAtIt(Isolation tier) throws Exception {
    write("writer.js", """
        async function main(env) {
          const max = env.out.maxMessage, tries = [];
          for (const m of [new Uint8Array(max + 1), 'x'.repeat(max + 1), 'é'.repeat(max / 2 + 1), new Uint8Array(16 << 20)]) {
            try { env.out.tryWrite(m); tries.push('written?!'); } catch (e) { tries.push(e.name); }
            try { await env.out.write(m); tries.push('written?!'); } catch (e) { tries.push(e.name); }
          }
          const bytes = new Uint8Array(max); bytes[0] = 1; bytes[max - 1] = 2;
          for (const m of [bytes, 'é'.repeat(max / 2), bytes]) { const p = env.out.write(m); if (p) await p; }
          console.log('max', max, tries.join(' '));
          await env.out.close();
        }""");
    write("reader.js", """
        async function main(env) {
          const got = [];
          for await (const m of env.in) {
            got.push(typeof m === 'string' ? 'text ' + new TextEncoder().encode(m).length + ' ' + (m === 'é'.repeat(m.length))
              : 'bytes ' + m.length + ' ' + m[0] + ' ' + m[m.length - 1]);
          }
          console.log(got.join(', '));
        }""");
    Path m = write("m.txtpb", """
        components { name: "writer" script: "writer.js" }
        components { name: "reader" script: "reader.js" }
        channels { name: "c" capacity: 1048576 backing: ANONYMOUS }
        grants { component: "writer" channel: "c" rights: WRITE as: "out" }
        grants { component: "reader" channel: "c" rights: READ as: "in" }
        grants { component: "writer" host: LOG }
        grants { component: "reader" host: LOG }
        """);
    Map<String, ExitStatus> done;
    try (Host h = launch(m, tier)) {
      done = finish(h);
    }
    assertTrue(done.values().stream().allMatch(ExitStatus::success), done + " " + log);
    int max = (1 << 20) / 2 - 8;
    assertEquals(Set.of("[writer] max " + max + " " + "RangeError ".repeat(8).strip(),
        "[reader] bytes " + max + " 1 2, text " + max + " true, bytes " + max + " 1 2"), Set.copyOf(log));
  }

  /**
   * Text of megabytes where the host takes one line: a console line (cut to 64 Ki characters for
   * the log) and the reason of an end (an error thrown with a 3 MiB message). A worker's frames
   * hold at most 1 MiB: before the worker cut reasons too, the Exited frame of such an end could
   * not be sent, the host never learned of it, and the host waited for the component for ever.
   */
  @BothTiers
  void shouldCarryAHugeConsoleLineAndTheEndOfAComponentThatThrowsAHugeError(Isolation tier) throws Exception {
    write("logger.js", """
        async function main(env) { console.log('x'.repeat(3 << 20)); console.log('after'); }""");
    write("thrower.js", """
        async function main(env) { throw new Error('y'.repeat(3 << 20)); }""");
    Path m = write("m.txtpb", """
        components { name: "logger" script: "logger.js" }
        components { name: "thrower" script: "thrower.js" restart { mode: ON_FAILURE max_restarts: 1 } }
        grants { component: "logger" host: LOG }
        """);
    Map<String, ExitStatus> done;
    try (Host h = launch(m, tier)) {
      done = finish(h, Duration.ofSeconds(30));
    }
    assertTrue(done.get("logger").success(), done.get("logger").toString());
    assertEquals(List.of("[logger] " + "x".repeat(64 << 10) + "... (" + ((3 << 20) - (64 << 10)) + " more characters)", "[logger] after"), log);
    ExitStatus t = done.get("thrower");
    assertEquals(Outcome.EXITED, t.outcome());
    assertEquals(1, t.code());
    assertTrue(t.reason().startsWith("Error: yyyy"), t.reason().substring(0, 100));
    assertEquals(1, events.stream().filter(e -> e.kind() == HostEvent.Kind.RESTARTED && e.component().equals("thrower")).count());
  }

  /**
   * A component that patches every built-in the platform might use and puts setters on
   * Object.prototype: its channel still carries every message, its console still works, and a
   * revocation by the host still reaches it, in a worker as in this JVM.
   */
  @BothTiers
  void shouldKeepChannelsAndRevocationWorkingForAComponentThatPatchesBuiltins(Isolation tier) throws Exception {
    write("patcher.js", """
        const trap = (what) => function () { throw new Error('patched ' + what + ' ran'); };
        Array.prototype.push = trap('push'); Array.prototype.shift = trap('shift'); Array.prototype.join = trap('join');
        Uint8Array.prototype.set = trap('set'); Uint8Array.prototype.subarray = trap('subarray');
        Atomics.load = () => 0; Atomics.store = () => 0; Atomics.notify = trap('notify');
        Map.prototype.get = () => undefined; Map.prototype.set = trap('Map.set');
        Reflect.apply = trap('apply'); Function.prototype.call = trap('call'); Function.prototype.apply = trap('apply');
        Promise.prototype.then = trap('then'); JSON.stringify = trap('stringify');
        TextEncoder.prototype.encode = trap('encode'); TextDecoder.prototype.decode = trap('decode');
        // 'length' and 'code' too: ring.js's ends and CapabilityError define theirs rather than
        // assign them (a setter of either name used to run inside the platform's JS). 'value'
        // last: with a 'value' on Object.prototype, every later descriptor here would have one too.
        for (const k of ['kind', 'slot', 'name', 'message', '0', 'length', 'code', 'wake', 'view', 'bytes', 'value']) {
          Object.defineProperty(Object.prototype, k, { set: trap('setter ' + k), configurable: true });
        }
        async function main(env) {
          new Uint8Array(env.data.buffer)[0] = 7;
          for (let i = 0; i < 5000; i++) { const p = env.out.write('m' + i); if (p) await p; }
          await env.out.close();
          for (;;) {
            try { env.data.buffer; } catch (e) { console.log('revoked', e.code, e instanceof CapabilityError); return; }
            await new Promise((r) => setTimeout(r, 5));
          }
        }""");
    write("reader.js", """
        async function main(env) {
          let n = 0, order = true;
          for await (const m of env.in) { if (m !== 'm' + n) order = false; n++; }
          console.log('read', n, order);
        }""");
    Path m = write("m.txtpb", """
        components { name: "patcher" script: "patcher.js" }
        components { name: "reader" script: "reader.js" }
        channels { name: "c" capacity: 4096 backing: ANONYMOUS }
        regions { name: "data" size: 4096 backing: ANONYMOUS }
        grants { component: "patcher" channel: "c" rights: WRITE as: "out" }
        grants { component: "patcher" region: "data" rights: [READ, WRITE] }
        grants { component: "reader" channel: "c" rights: READ as: "in" }
        grants { component: "patcher" host: LOG }
        grants { component: "reader" host: LOG }
        """);
    Map<String, ExitStatus> done;
    try (Host h = launch(m, tier)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!log.contains("[reader] read 5000 true") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(7, h.region("data").byteBuffer().get(0), "the patcher wrote its region through the shared buffer; " + log + " " + events);
      h.revoke("patcher", "data");
      done = finish(h);
    }
    assertTrue(done.values().stream().allMatch(ExitStatus::success), done + " " + log);
    assertEquals(List.of("[reader] read 5000 true", "[patcher] revoked capability.revoked true"), log);
  }

  /**
   * Components that end at once beside a sibling in the same process group (one worker in the
   * PROCESS tier): a script that does not parse (restarted five times) and ten mains that return
   * at once; the sibling starts after the last of them. The sibling must not notice, and the
   * quick ones count as started, as in this JVM. (A worker announced a start from another thread
   * than the end, so a component that ended at once could have its Started frame arrive after its
   * Exited: the host took that for a forged frame and killed the worker with every sibling in it.)
   */
  @BothTiers
  void shouldLeaveASiblingInTheSameWorkerAloneWhenComponentsEndAtOnce(Isolation tier) throws Exception {
    write("steady.js", """
        async function main(env) {
          for (let i = 0; i < 30; i++) await new Promise((r) => setTimeout(r, 50));
          console.log('steady done');
        }""");
    write("broken.js", "async function main(env) {");
    write("quick.js", "async function main(env) {}");
    StringBuilder m = new StringBuilder("""
        components { name: "broken" script: "broken.js" process_group: "g" restart { mode: ON_FAILURE max_restarts: 5 } }
        components { name: "steady" script: "steady.js" process_group: "g" after: "q9" }
        grants { component: "steady" host: LOG }
        """);
    for (int i = 0; i < 10; i++) {
      m.append("components { name: \"q").append(i).append("\" script: \"quick.js\" process_group: \"g\" }\n");
    }
    Map<String, ExitStatus> done;
    try (Host h = launch(write("m.txtpb", m.toString()), tier)) {
      done = finish(h);
    }
    for (int i = 0; i < 10; i++) {
      assertTrue(done.get("q" + i).success(), done + " " + events);
    }
    assertTrue(done.get("steady").success(), done + " " + events);
    ExitStatus broken = done.get("broken");
    assertEquals(Outcome.FAILED, broken.outcome(), broken.toString());
    assertTrue(broken.reason().contains("SyntaxError"), broken.reason());
    assertEquals(5, events.stream().filter(e -> e.kind() == HostEvent.Kind.RESTARTED).count(), events.toString());
    assertEquals(List.of("[steady] steady done"), log);
  }
}
