package b8g.host;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component.ExitStatus;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's composition and its refusals. The tests of what a hostile component may try (reach a
 * handle it was not granted, present a wrong secret, escape its run paths, flood the console) run
 * in both isolation tiers ({@link BothTiers}) with the same expected outcome.
 */
class HostTest extends HostFixture {
  @BothTiers
  void shouldNotReachAHandleWithoutAGrant(Isolation tier) throws Exception {
    write("owner.js", "async function main(env) { env.data.write(0, 'top secret'); }");
    write("snoop.js", """
        async function main(env) {
          const found = [];
          for (const k of Object.getOwnPropertyNames(globalThis)) { const v = globalThis[k]; if (v instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer)) found.push(k); }
          let linked = 'no';
          try { env.link('11'.repeat(32)); linked = 'yes'; } catch (e) { linked = e.code; }
          let forged = 'no';
          try { env.export('x', { kind: 'region', slot: 0 }); forged = 'yes'; } catch (e) { forged = e.constructor.name; }
          console.log(Object.keys(env).join(','), found.length, linked, forged, typeof __b8g);
        }""");
    Path m = write("m.txtpb", """
        components { name: "owner" script: "owner.js" }
        components { name: "snoop" script: "snoop.js" after: "owner" }
        regions { name: "data" size: 64 backing: ANONYMOUS }
        grants { component: "owner" region: "data" rights: READ rights: WRITE }
        grants { component: "snoop" host: LOG }
        """);
    try (Host h = launch(m, tier)) {
      finish(h).forEach((n, s) -> assertTrue(s.success(), n + " " + s));
    }
    // In a worker, link is not available at all yet: refused all the same, with that code.
    String refused = tier == Isolation.PROCESS ? "capability.isolation" : "link.refused";
    assertEquals(List.of("[snoop] log 0 " + refused + " TypeError undefined"), log, "the host entry point is not reachable");
  }

  @BothTiers
  void shouldRefuseWrongAndRotatedSecretsLikeMissingOnes(Isolation tier) throws Exception {
    onlyInProcess(tier, "a component in a worker cannot export or link yet (its link is always refused)");
    write("a.js", "async function main(env) { env.export('data', env.data); await new Promise(r => setTimeout(r, 60000)); }");
    write("b.js", """
        async function main(env) {
          const tries = [env.a_secret.replace(/^./, c => c === '0' ? '1' : '0'), 'not hex'];
          for (const t of tries) { try { env.link(t); console.log('linked?!'); } catch (e) { console.log(e.name, e.code, e.message); } }
          const a = env.link(env.a_secret);
          // The test writes the bytes after launch; wait for them (shared memory, no message).
          while (a.data.read(0, 1)[0] === 0) await new Promise(r => setTimeout(r, 5));
          console.log('linked', a.data.read(0, 2).join(','));
        }""");
    Path m = write("m.txtpb", """
        components { name: "a" script: "a.js" }
        components { name: "b" script: "b.js" after: "a" }
        regions { name: "data" size: 64 backing: ANONYMOUS }
        grants { component: "a" region: "data" rights: READ }
        grants { component: "b" host: LOG }
        links { from: "a" to: "b" }
        """);
    try (Host h = launch(m, tier)) {
      h.region("data").byteBuffer().put(1, (byte) 2).put(0, (byte) 4);
      Map<String, ExitStatus> done = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (log.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      String refused = "[b] CapabilityError link.refused link refused: the secret does not open any context";
      assertEquals(List.of(refused, refused, "[b] linked 4,2"), log);
      assertNull(done);
    }
    assertTrue(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.LINK_REFUSED));
    assertTrue(events.stream().noneMatch(e -> e.toString().matches(".*[0-9a-f]{64}.*")), "an event carried a secret: " + events);
  }

  @BothTiers
  void shouldRefuseARotatedSecret(Isolation tier) throws Exception {
    onlyInProcess(tier, "a component in a worker cannot export or link yet (its link is always refused)");
    write("a.js", "async function main(env) { env.export('data', env.data); await new Promise(r => setTimeout(r, 60000)); }");
    write("b.js", """
        async function main(env) {
          await new Promise(r => setTimeout(r, 300)); // the test rotates a's secret meanwhile
          try { env.link(env.a_secret); console.log('linked?!'); } catch (e) { console.log(e.name, e.code); }
        }""");
    Path m = write("m.txtpb", """
        components { name: "a" script: "a.js" }
        components { name: "b" script: "b.js" after: "a" }
        regions { name: "data" size: 64 backing: ANONYMOUS }
        grants { component: "a" region: "data" rights: READ }
        grants { component: "b" host: LOG }
        links { from: "a" to: "b" }
        """);
    try (Host h = launch(m, tier)) {
      h.rotateSecret("a");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (log.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    assertEquals(List.of("[b] CapabilityError link.refused"), log);
  }

  @Test
  void shouldRestartOnFailureUpToTheLimit() throws Exception {
    write("flaky.js", "async function main(env) { console.log('start'); throw new Error('boom'); }");
    Path m = write("m.txtpb", """
        components { name: "flaky" script: "flaky.js" restart { mode: ON_FAILURE max_restarts: 2 } }
        grants { component: "flaky" host: LOG }
        """);
    try (Host h = launch(m)) {
      ExitStatus s = finish(h).get("flaky");
      assertFalse(s.success());
      assertTrue(s.reason().contains("boom"), s.reason());
    }
    assertEquals(List.of("[flaky] start", "[flaky] start", "[flaky] start"), log);
    assertEquals(2, events.stream().filter(e -> e.kind() == HostEvent.Kind.RESTARTED).count());
  }

  @Test
  void shouldRemoveShmFilesOnCloseUnlessPersistent() throws Exception {
    write("w.js", "async function main(env) { await env.out.write('kept'); }");
    String tmp = "b8g-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    Path m = write("m.txtpb", """
        components { name: "w" script: "w.js" }
        channels { name: "out" capacity: 4096 backing: SHM_FILE file: "%s-ch" }
        regions { name: "keep" size: 4096 backing: SHM_FILE persistent: true file: "%s-keep" }
        grants { component: "w" channel: "out" rights: WRITE }
        """.formatted(tmp, tmp));
    Path ch = Path.of("/dev/shm", tmp + "-ch");
    Path keep = Path.of("/dev/shm", tmp + "-keep");
    try {
      try (Host h = launch(m)) {
        finish(h);
        assertTrue(Files.exists(ch));
        assertEquals("kept", h.channel("out").reader().poll().text());
      }
      assertFalse(Files.exists(ch), "a non-persistent shm file outlived the host");
      assertTrue(Files.exists(keep));
    } finally {
      Files.deleteIfExists(keep);
      Files.deleteIfExists(ch);
    }
  }

  @BothTiers
  void shouldConfineRunToGrantedScriptsAndCapabilities(Isolation tier) throws Exception {
    onlyInProcess(tier, "the RUN grant is not served to a worker (launch refuses it with manifest.isolation)");
    write("parent.js", """
        async function main(env) {
          const out = [];
          try { env.run('../escape.js', {}); } catch (e) { out.push(e.code); }
          try { env.run('other.js', {}); } catch (e) { out.push(e.code); }
          try { env.run('kids/child.js', { fake: { kind: 'region' } }); } catch (e) { out.push(e.constructor.name); }
          const c = env.run('kids/child.js', { data: env.data.attenuate('read'), note: 'hi' });
          const ev = await c.exited;
          out.push('child exit ' + ev.code + ' ' + ev.reason);
          console.log(out.join(' | '));
        }""");
    write("other.js", "async function main(env) {}");
    write("kids/child.js", "async function main(env) { if (env.note !== 'hi') throw new Error('no note'); try { env.data.write(0, 'x'); } catch (e) { throw new Error('refused ' + e.code); } }");
    Path m = write("m.txtpb", """
        components { name: "parent" script: "parent.js" }
        regions { name: "data" size: 64 backing: ANONYMOUS }
        grants { component: "parent" region: "data" rights: READ rights: WRITE }
        grants { component: "parent" host: RUN paths: "kids" }
        grants { component: "parent" host: LOG }
        """);
    try (Host h = launch(m, tier)) {
      finish(h).forEach((n, s) -> assertTrue(s.success(), n + " " + s));
    }
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("[parent] capability.path | capability.path | TypeError | child exit 1 "), log.get(0));
    assertTrue(log.get(0).contains("Error: refused capability.rights (at kids/child.js:1:"), log.get(0));
  }

  @Test
  void shouldRestartAComponentWhenItsScriptChanges() throws Exception {
    Path script = write("s.js", "async function main(env) { console.log('v1'); await new Promise(r => setTimeout(r, 60000)); }");
    Path m = write("m.txtpb", """
        components { name: "s" script: "s.js" }
        grants { component: "s" host: LOG }
        """);
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).restartOnScriptChange(true))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (log.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Files.writeString(script, "async function main(env) { console.log('v2'); }");
      while (!log.contains("[s] v2") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals("[s] v2", log.get(log.size() - 1), log.toString());
      assertTrue(finish(h).get("s").success());
    }
    assertTrue(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.SCRIPT_CHANGED), events.toString());
  }

  @BothTiers
  void shouldCapAComponentsLogFloodAndSayHowMuchWasDropped(Isolation tier) throws Exception {
    // The component times its flood with its own clock: windows are one second apart at least, so
    // a flood of T ms touches at most T / 1000 + 1 of them. On a quiet machine that is one window
    // (5,000 lines pass, 15,000 are told dropped); on a starved one the flood is slower, and the
    // same rule is checked against the windows it could have touched. A turn this long may outlast
    // the default CPU limit's wall backstop there: that limit is not under test.
    write("flood.js", """
        async function main(env) {
          const t0 = Date.now();
          for (let i = 0; i < 20000; i++) console.log('line', i);
          const took = Date.now() - t0;
          await new Promise(r => setTimeout(r, 1100));
          console.log('end', took);
        }""");
    Path m = write("m.txtpb", """
        components { name: "flood" script: "flood.js" limits { cpu_ms_per_turn: 120000 } }
        grants { component: "flood" host: LOG }
        """);
    try (Host h = launch(m, tier)) {
      assertTrue(finish(h).get("flood").success(), log.size() > 2 ? log.subList(log.size() - 2, log.size()).toString() : log.toString());
    }
    List<String> lines = List.copyOf(log);
    String last = lines.get(lines.size() - 1);
    assertTrue(last.matches("\\[flood\\] end \\d+"), "the last line is " + last);
    long took = Long.parseLong(last.substring("[flood] end ".length()));
    long windows = took / 1000 + 1;
    // Every line that passed is in order; every gap is told, exactly, by the warnings just before
    // the next line that passed (or the end); nothing else is said.
    int next = 0;
    long told = 0;
    int passed = 0;
    long dropped = 0;
    Pattern warning = Pattern.compile("\\[flood\\] warn: (\\d+) log lines dropped \\(more than 5000 a second\\)");
    Pattern line = Pattern.compile("\\[flood\\] line (\\d+)");
    for (int k = 0; k < lines.size(); k++) {
      String l = lines.get(k);
      boolean end = k == lines.size() - 1;
      Matcher w = warning.matcher(l);
      if (w.matches()) {
        told += Long.parseLong(w.group(1));
        continue;
      }
      Matcher lm = line.matcher(l);
      assertTrue(end || lm.matches(), "unexpected line " + l);
      int i = end ? 20000 : Integer.parseInt(lm.group(1));
      assertEquals(i - next, told, "lines " + next + " to " + (i - 1) + " dropped, but told " + told + " before: " + l);
      dropped += told;
      told = 0;
      next = i + 1;
      passed += i < 20000 ? 1 : 0;
    }
    assertEquals(20000, passed + dropped);
    assertTrue(passed <= ConsoleSink.LINES_PER_SECOND * windows, passed + " lines passed in a flood of " + took + " ms");
    if (windows == 1) {
      assertEquals(ConsoleSink.LINES_PER_SECOND, passed);
      assertTrue(lines.stream().anyMatch(l -> l.matches("\\[flood\\] warn: 15000 log lines dropped .*")), lines.subList(lines.size() - 2, lines.size()).toString());
    }
  }

  @Test
  void shouldWatchARegionItMayReadAndNotOneItMayNot() throws Exception {
    write("writer.js", """
        async function main(env) {
          await new Promise(r => setTimeout(r, 300));
          env.data.write(0, 'changed');
        }""");
    write("watcher.js", """
        async function main(env) {
          let refused = '';
          try { env.watch.region(env.log, () => {}); } catch (e) { refused = e.code; }
          await new Promise((resolve) => {
            const w = env.watch.region(env.data, (ev) => { console.log(ev.kind, ev.path, refused); w.close(); resolve(); });
          });
        }""");
    Path m = write("m.txtpb", """
        components { name: "writer" script: "writer.js" }
        components { name: "watcher" script: "watcher.js" }
        regions { name: "data" size: 4096 backing: ANONYMOUS }
        grants { component: "writer" region: "data" rights: WRITE }
        grants { component: "watcher" region: "data" rights: READ }
        grants { component: "watcher" host: WATCH }
        grants { component: "watcher" host: LOG }
        """);
    try (Host h = launch(m)) {
      finish(h).forEach((n, s) -> assertTrue(s.success(), n + " " + s));
    }
    assertEquals(List.of("[watcher] modified data capability.kind"), log);
  }
}
