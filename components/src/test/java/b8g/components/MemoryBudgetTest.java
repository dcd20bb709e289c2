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
class MemoryBudgetTest {
  private static final Duration LONG = Duration.ofSeconds(120);

  private final List<Region> regions = new ArrayList<>();
  private final List<Component> components = new ArrayList<>();
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final HostServices logging = Fixtures.logging((s, text) -> log.add(s.name() + ":" + text));

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Component c : components) {
      c.terminate("test over");
      assertNotNull(c.awaitExit(Duration.ofSeconds(10)), "component did not end");
    }
    regions.forEach(Region::close);
  }

  private Component start(Component.Context ctx) {
    ctx.services(logging).grant(EnvEntry.of("log", Capability.root(Kind.LOG, null, EnumSet.noneOf(Right.class))));
    Component c = Component.start(ctx);
    components.add(c);
    return c;
  }

  private Ring ring(int capacity) {
    Region r = Region.anonymous("ch", capacity + RingDescriptor.TRAILER_LENGTH);
    regions.add(r);
    return Ring.create(r);
  }

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
        count * 65536.0 / (1 << 30) / (nanos / 1e9), sink.memoryBudget().collections(), source.memoryBudget().collections());
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
    // Terminated for what it kept: at least 16 buffers of 1 MiB, and never long after.
    int kept = Integer.parseInt(log.get(log.size() - 1).substring("keeper:kept ".length()));
    assertTrue(kept >= 16 && kept <= 24, kept + " kept; " + s.reason());
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
}
