package b8g.host.workload;

import static org.junit.jupiter.api.Assertions.*;

import b8g.components.Component;
import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import b8g.host.HostFixture;
import b8g.host.HostEvent;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A peer dies at a random point of a stream of mixed-size messages: it throws at a random
 * message, or the host kills it at a random moment. Both directions, with and without a restart
 * policy. The survivor must get the documented outcome, the host must end, and nothing committed
 * may be lost:
 *
 * <ul>
 *   <li>reader gone, no restart: the writer's write rejects with {@code channel.broken};
 *   <li>reader restarted: it reads on from the ring's head; lost is at most the one message the
 *       dead reader had taken and not finished (it records what it finished in a region);
 *   <li>writer gone, no restart: the reader reads every message the writer committed, then sees
 *       {@code channel.broken};
 *   <li>writer restarted: it resumes from the count it recorded; the reader sees every message in
 *       order, at most one repeated (written, then killed before it recorded so).
 * </ul>
 *
 * <p>Every case runs in both isolation tiers, with the same seed: in this JVM, and with each
 * component in a worker process of its own (the ring then crosses processes). A peer the host
 * kills is killed through {@code Host.component(name)}, which a component in a worker does not
 * have; those cases run in this JVM only.
 */
class PeerDeathTest extends HostFixture {
  static final int N = 200_000;


  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Isolation tier : List.of(Isolation.IN_PROCESS, Isolation.PROCESS)) {
      Random seeds = new Random(20261201); // the same cases, seeds included, in both tiers
      for (String dies : List.of("reader", "writer")) {
        for (boolean restart : new boolean[] {false, true}) {
          for (String how : List.of("throws", "killed")) {
            all.add(Arguments.of(tier, dies, restart, how, seeds.nextLong()));
          }
        }
      }
    }
    return all.stream();
  }

  // Message i has a size derived from i (5 .. 4095 bytes; every 64th up to 16 KiB) and carries i in its first 4 bytes.
  static final String COMMON = """
      const N = %d, DIE_AT = %d, DIES = '%s';
      function size(i) { return (i & 63) === 63 ? 5 + (Math.imul(i, 2654435761) >>> 18) : Math.max(5, Math.imul(i, 2654435761) >>> 20); }
      """;

  static final String WRITER = """
      async function main(env) {
        const progress = new Int32Array(env.progress.buffer); // [0]: messages written, [1]: starts
        const start = Atomics.load(progress, 0);
        Atomics.add(progress, 2, 1);
        const buf = new Uint8Array(32768);
        const dv = new DataView(buf.buffer);
        let i = start;
        try {
          for (; i < N; i++) {
            if (DIES === 'writer' && i === DIE_AT && Atomics.load(progress, 2) === 1) throw new Error('writer dies at ' + i);
            dv.setUint32(0, i, true);
            const n = size(i);
            buf[n - 1] = i & 255;
            const p = env.out.write(buf.subarray(0, n));
            if (p) await p;
            Atomics.store(progress, 0, i + 1);
          }
          await env.out.close();
          console.log('writer done from', start);
        } catch (e) {
          if (e.code !== 'channel.broken') throw e;
          console.log('writer', e.code, 'after', i);
        }
      }
      """;

  static final String READER = """
      async function main(env) {
        const progress = new Int32Array(env.progress.buffer); // [4]: messages finished, [5]: starts
        const done = Atomics.load(progress, 4);
        const restarted = Atomics.add(progress, 5, 1) > 0;
        let expected = -1, first = -1, repeats = 0, bad = 0;
        try {
          for await (const m of env.in) {
            const seq = m[0] | m[1] << 8 | m[2] << 16 | m[3] << 24;
            if (m.length !== size(seq) || m[m.length - 1] !== (seq & 255)) bad++;
            if (first < 0) first = seq;
            else if (seq === expected - 1) repeats++;
            else if (seq !== expected) bad++;
            expected = seq + 1;
            if (DIES === 'reader' && !restarted && seq === DIE_AT) throw new Error('reader dies holding ' + seq);
            Atomics.store(progress, 4, seq + 1);
          }
          console.log('reader end', 'finished-before', done, 'first', first, 'last', expected - 1, 'repeats', repeats, 'bad', bad);
        } catch (e) {
          if (e.code !== 'channel.broken') throw e;
          console.log('reader broken', 'finished-before', done, 'first', first, 'last', expected - 1, 'repeats', repeats, 'bad', bad);
        }
      }
      """;

  @ParameterizedTest(name = "{0}: {1} {3}, restart {2}")
  @MethodSource("cases")
  void shouldGiveTheSurvivorItsDocumentedOutcome(Isolation tier, String dies, boolean restart, String how, long seed) throws Exception {
    if (how.equals("killed")) {
      onlyInProcess(tier, "the test kills the peer through Host.component(name), which is null for a component in a worker");
    }
    streamAndKill(tier, dies, restart, how, seed);
  }

  /**
   * The soak: random cases back to back for {@code -Db8g.soak.minutes} minutes (not part of the
   * unit suite; {@code host/soak.sh} runs it). Prints one line per case and a summary.
   */
  @Test
  @EnabledIfSystemProperty(named = "b8g.soak.minutes", matches = "\\d+")
  void soak() throws Exception {
    long end = System.nanoTime() + Duration.ofMinutes(Long.getLong("b8g.soak.minutes")).toNanos();
    Random random = new Random();
    int runs = 0;
    List<String> failures = new ArrayList<>();
    long rssBefore = rssKiB();
    while (System.nanoTime() < end) {
      String dies = random.nextBoolean() ? "reader" : "writer";
      boolean restart = random.nextBoolean();
      String how = random.nextBoolean() ? "throws" : "killed";
      long seed = random.nextLong();
      log.clear();
      events.clear();
      runs++;
      try {
        streamAndKill(Isolation.IN_PROCESS, dies, restart, how, seed);
        System.out.println("soak " + runs + " ok: " + dies + " " + how + " restart " + restart + " seed " + seed
            + (runs % 50 == 0 ? "; RSS " + (rssKiB() >> 10) + " MiB" : ""));
      } catch (AssertionError | Exception e) {
        String m = String.valueOf(e.getMessage());
        failures.add(dies + " " + how + " restart " + restart + " seed " + seed + ": " + m.substring(0, Math.min(m.length(), 2000)));
        System.out.println("soak " + runs + " FAILED: " + failures.get(failures.size() - 1));
      }
    }
    System.out.println("soak: " + runs + " runs, " + failures.size() + " failed; RSS " + (rssBefore >> 10) + " MiB before, "
        + (rssKiB() >> 10) + " MiB after");
    assertTrue(failures.isEmpty(), failures.size() + " of " + runs + " failed, the first: " + (failures.isEmpty() ? "" : failures.get(0)));
  }

  private static long rssKiB() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }

  private void streamAndKill(Isolation tier, String dies, boolean restart, String how, long seed) throws Exception {
    Random random = new Random(seed);
    int dieAt = how.equals("throws") ? 1 + random.nextInt(N - 2) : -1;
    String common = COMMON.formatted(N, dieAt, dies);
    write("writer.js", common + WRITER);
    write("reader.js", common + READER);
    String policy = restart ? " restart { mode: ON_FAILURE max_restarts: 1 }" : "";
    write("m.txtpb", """
        components { name: "writer" script: "writer.js"%s }
        components { name: "reader" script: "reader.js"%s }
        channels { name: "c" capacity: 65536 backing: ANONYMOUS }
        regions { name: "progress" size: 64 backing: ANONYMOUS }
        grants { component: "writer" channel: "c" rights: WRITE as: "out" }
        grants { component: "reader" channel: "c" rights: READ as: "in" }
        grants { component: "writer" region: "progress" rights: READ rights: WRITE }
        grants { component: "reader" region: "progress" rights: READ rights: WRITE }
        grants { component: "writer" host: LOG }
        grants { component: "reader" host: LOG }
        """.formatted(dies.equals("writer") ? policy : "", dies.equals("reader") ? policy : ""));
    Map<String, ExitStatus> done;
    try (Host h = launch(dir.resolve("m.txtpb"), tier)) {
      if (how.equals("killed")) {
        // Somewhere in the stream (it takes a second or more here): a kill mid-turn, mid-message.
        Thread.sleep(5 + random.nextInt(100));
        Component victim = h.component(dies);
        assertNotNull(victim);
        victim.terminate("killed by the test");
      }
      done = finish(h);
    }
    String survivor = dies.equals("reader") ? "writer" : "reader";
    assertTrue(done.get(survivor).success(), survivor + " " + done + " " + log);
    if (how.equals("killed")) {
      assertTrue(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.TERMINATED && e.component().equals(dies)),
          "the kill landed mid-stream: " + events);
    }
    if (dies.equals("reader") && !restart) {
      assertTrue(only("[writer] ").startsWith("writer channel.broken after "), log.toString());
      return;
    }
    String reader = only("[reader] ");
    Matcher r = Pattern.compile("reader (end|broken) finished-before (\\d+) first (-?\\d+) last (-?\\d+) repeats (\\d+) bad (\\d+)").matcher(reader);
    assertTrue(r.matches(), reader);
    assertEquals("0", r.group(6), "no corrupt, missing or out-of-order message: " + reader);
    int finishedBefore = Integer.parseInt(r.group(2));
    int first = Integer.parseInt(r.group(3));
    int last = Integer.parseInt(r.group(4));
    int repeats = Integer.parseInt(r.group(5));
    if (dies.equals("reader")) {
      assertEquals("end", r.group(1), reader);
      assertEquals(N - 1, last, reader);
      // The restart reads on from the ring's head: the dead reader finished finishedBefore
      // messages and may have taken one more it never finished.
      assertTrue(first == finishedBefore || first == finishedBefore + 1, reader);
      assertEquals(0, repeats, reader);
    } else if (!restart) {
      assertEquals("broken", r.group(1), reader);
      assertEquals(0, first, reader);
      assertEquals(0, repeats, reader);
      // Every committed message was read: the writer recorded `written` after each write
      // returned, so at most one more (written, not yet recorded) can have arrived.
      int written = dieAt >= 0 ? dieAt : last + 1;
      if (dieAt >= 0) {
        assertEquals(dieAt - 1, last, reader);
      }
      assertTrue(last + 1 >= written - 1, reader);
    } else {
      assertEquals("end", r.group(1), reader);
      assertEquals(0, first, reader);
      assertEquals(N - 1, last, reader);
      assertTrue(repeats <= 1, reader);
    }
  }

  private String only(String prefix) {
    List<String> lines = log.stream().filter(l -> l.startsWith(prefix)).toList();
    assertEquals(1, lines.size(), log.toString());
    return lines.get(0).substring(prefix.length());
  }
}
