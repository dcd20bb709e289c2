package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.components.Component.Outcome;
import b8g.memory.counters.CounterType;
import b8g.memory.counters.CountersReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The counters file of a running host holds what really happened: turns, restarts, terminations
 * by cause, and a channel's bytes equal to what went through it, for components in process and in
 * worker processes; the file is gone once the host is closed. Read as {@code b8g top} reads it,
 * from the file alone.
 */
class CountersTest extends HostFixture {
  /** 10,000 records of 56 payload bytes: 64 bytes each, so none pads at the ring's end (65,536 = 1,024 x 64). */
  private static final int MESSAGES = 10_000;
  private static final long CHANNEL_BYTES = MESSAGES * 64L + 8; // and the END record of close()

  private static final String PRODUCER = """
      async function main(env) {
        const msg = 'x'.repeat(56);
        for (let i = 0; i < %d; i++) { const p = env.out.write(msg); if (p) await p; }
        await env.out.close();
      }
      """.formatted(MESSAGES);
  private static final String SINK = """
      async function main(env) {
        let n = 0;
        for await (const m of env.in) n++;
        if (n !== %d) throw new Error('got ' + n);
      }
      """.formatted(MESSAGES);
  private static final String TICKER = """
      async function main(env) {
        const timers = [];
        for (let i = 0; i < 100; i++) timers.push(setTimeout(() => {}, 600000));
        for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 1));
        timers.forEach(clearTimeout);
      }
      """;

  @Test
  void countersOfARunningManifestSayWhatHappened() throws Exception {
    write("producer.js", PRODUCER);
    write("sink.js", SINK);
    write("ticker.js", TICKER);
    write("crasher.js", "async function main(env) { throw new Error('boom'); }");
    write("spinner.js", "async function main(env) { for (;;) {} }");
    write("hoarder.js", """
        async function main(env) {
          const keep = [];
          for (;;) { keep.push(new Array(100000).fill(0).map((_, i) => ({ i }))); await new Promise((r) => setTimeout(r, 0)); }
        }""");
    write("buffers.js", """
        async function main(env) {
          const keep = [];
          for (;;) { keep.push(new Uint8Array(1 << 20).fill(1)); await new Promise((r) => setTimeout(r, 0)); }
        }""");
    Path m = write("m.txtpb", """
        components { name: "producer" script: "producer.js" }
        components { name: "sink" script: "sink.js" }
        components { name: "ticker" script: "ticker.js" limits { heap_mib: 48 } }
        components { name: "crasher" script: "crasher.js" restart { mode: ON_FAILURE max_restarts: 2 } }
        components { name: "spinner" script: "spinner.js" limits { cpu_ms_per_turn: 100 } }
        components { name: "hoarder" script: "hoarder.js" limits { heap_mib: 24 } }
        components { name: "buffers" script: "buffers.js" limits { heap_mib: 32 } }
        channels { name: "data" capacity: 65536 backing: ANONYMOUS }
        grants { component: "producer" channel: "data" rights: WRITE as: "out" }
        grants { component: "sink" channel: "data" rights: READ as: "in" }
        """);
    Path file = dir.resolve("host.counters");
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).counters(file))) {
      assertTrue(Files.exists(file));
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.get("sink").success(), done.toString());
      CountersReader reader = CountersReader.open(file);
      assertEquals(ProcessHandle.current().pid(), reader.pid());
      // The host's record comes first in the file: wait until one look has seen every end.
      Map<String, CountersReader.Record> r = awaitRecords(reader, rs -> rs.get("channel data").value("bytes_read") == CHANNEL_BYTES
          && rs.get("host host").value("running") == 0);

      CountersReader.Record data = r.get("channel data");
      assertEquals(CHANNEL_BYTES, data.value("bytes_written"));
      assertEquals(CHANNEL_BYTES, data.value("bytes_read"));
      // The ends' own counts (ring format 1.2): every message, END not counted.
      assertEquals(MESSAGES, data.value("messages_written"));
      assertEquals(MESSAGES, data.value("messages_read"));
      assertEquals(0, data.value("fill_bytes"));
      assertEquals(65536, data.value("capacity_bytes"));
      assertEquals("producer -> sink", data.label());

      CountersReader.Record ticker = r.get("component ticker");
      long turns = ticker.value("turns");
      assertTrue(turns >= 51 && turns < 200, "ticker turns " + turns);
      assertTrue(ticker.value("heap_bytes") > 0);
      assertEquals(48L << 20, ticker.value("heap_budget_bytes"));
      assertEquals(48L << 20, ticker.value("off_heap_budget_bytes"));
      assertEquals(0, ticker.value("timers"));
      assertEquals(CounterType.EXITED, ticker.value("state"));
      assertEquals(0, ticker.value("worker_pid"));

      CountersReader.Record crasher = r.get("component crasher");
      assertEquals(2, crasher.value("restarts"));
      assertEquals(3, crasher.value("failures"));
      assertTrue(crasher.value("turns") >= 3, "turns count over restarts: " + crasher.value("turns"));
      assertEquals(CounterType.FAILED, crasher.value("state"));

      assertEquals(1, r.get("component spinner").value("terminations_cpu"));
      // Ended by its one turn's limit (100 ms of CPU, or ten times that in wall time on a loaded
      // machine), spent spinning: the CPU of that turn is counted at its end, never none.
      long spun = r.get("component spinner").value("cpu_ns");
      assertTrue(spun > 0, "spinner cpu_ns " + spun);
      assertEquals(1, r.get("component hoarder").value("terminations_heap"));
      assertEquals(1, r.get("component buffers").value("terminations_off_heap"));
      assertEquals(CounterType.TERMINATED, r.get("component buffers").value("state"));

      CountersReader.Record host = r.get("host host");
      assertEquals(7, host.value("components"));
      assertEquals(0, host.value("running"));
      assertEquals(2, host.value("exited") - 1, "producer, sink and ticker exited: " + host.value("exited"));
      assertEquals(1, host.value("failed"));
      assertEquals(3, host.value("terminated"));
      // Two channel grants, once each (the crasher's restarts grant nothing).
      assertEquals(2, host.value("grants"));
    }
    assertFalse(Files.exists(file), "the counters file is removed when the host closes");
  }

  @Test
  void aWorkerComponentsCountersAppearInTheHostsFile() throws Exception {
    write("producer.js", PRODUCER);
    write("sink.js", SINK);
    write("ticker.js", TICKER);
    Path m = write("m.txtpb", """
        components { name: "producer" script: "producer.js" }
        components { name: "sink" script: "sink.js" isolation: PROCESS process_group: "w" }
        components { name: "ticker" script: "ticker.js" isolation: PROCESS process_group: "w" }
        channels { name: "data" capacity: 65536 backing: ANONYMOUS }
        grants { component: "producer" channel: "data" rights: WRITE as: "out" }
        grants { component: "sink" channel: "data" rights: READ as: "in" }
        """);
    Path file = dir.resolve("host.counters");
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).counters(file))) {
      Map<String, Long> pids = new LinkedHashMap<>();
      CountersReader reader = CountersReader.open(file);
      // While it runs, the ticker's record names its worker.
      awaitRecords(reader, rs -> {
        long pid = rs.get("component ticker").value("worker_pid");
        pids.put("ticker", pid);
        return pid != 0;
      });
      assertTrue(h.workerPids().contains(pids.get("ticker")), pids + " " + h.workerPids());
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.values().stream().allMatch(ExitStatus::success), done.toString());
      Map<String, CountersReader.Record> r = awaitRecords(reader, rs -> rs.get("channel data").value("bytes_read") == CHANNEL_BYTES
          && rs.get("component ticker").value("turns") >= 51);
      CountersReader.Record ticker = r.get("component ticker");
      assertTrue(ticker.value("turns") < 200, "ticker turns " + ticker.value("turns"));
      assertTrue(ticker.value("heap_bytes") > 0);
      assertTrue(r.get("component sink").value("turns") > 0);
      assertEquals(CounterType.EXITED, ticker.value("state"));
      assertEquals(CHANNEL_BYTES, r.get("channel data").value("bytes_written"));
      assertEquals(MESSAGES, r.get("channel data").value("messages_read"));
    }
    assertFalse(Files.exists(file));
  }

  /** A counters file that cannot be made leaves nothing behind and does not stop the host. */
  @Test
  void aHostStartsWithoutCountersWhenTheFileCannotBeMade() throws Exception {
    write("ok.js", "async function main(env) {}");
    Path m = write("m.txtpb", "components { name: \"ok\" script: \"ok.js\" }\n");
    Path file = dir.resolve("no-such-directory").resolve("host.counters");
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).counters(file))) {
      assertTrue(finish(h).get("ok").success());
    }
    assertTrue(log.stream().anyMatch(l -> l.startsWith("b8g: warning: running without counters") && l.contains("host.counters")),
        log.toString());
    assertFalse(Files.exists(file));
  }

  /** The column comes from the end's cause code ({@link EndCause}), never from the reason's text. */
  @Test
  void terminationCausesAreToldFromTheCauseCode() {
    assertEquals(10, HostCounters.causeColumn(EndCause.of(new ExitStatus(Outcome.TERMINATED, 137,
        "CPU limit exceeded: a turn ran longer than 100 ms"))));
    assertEquals(11, HostCounters.causeColumn(EndCause.of(new ExitStatus(Outcome.TERMINATED, 137,
        "heap budget of 24 MiB exceeded: 30 MiB live after a full GC (1 MiB collected)"))));
    assertEquals(11, HostCounters.causeColumn("limit.heap"));
    assertEquals(12, HostCounters.causeColumn("limit.offheap"));
    assertEquals(13, HostCounters.causeColumn("host.shutdown"));
    assertEquals(13, HostCounters.causeColumn("CPU limit exceeded"));
    assertEquals(13, HostCounters.causeColumn(null));
  }

  /**
   * Under {@code --watch}, a script change replaces a running component: its record shows the new
   * instance running, and the old instance's end (terminated, "replaced after its script
   * changed") counts nowhere. Before ends were told by generation, the old end set the record to
   * terminated while the new instance ran.
   */
  @Test
  void aScriptChangeRestartLeavesTheRecordRunning() throws Exception {
    Path script = write("w.js", "async function main(env) { console.log('v1'); await new Promise(() => {}); }");
    Path m = write("m.txtpb", """
        components { name: "w" script: "w.js" }
        grants { component: "w" host: LOG }
        """);
    Path file = dir.resolve("host.counters");
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).counters(file)
        .restartOnScriptChange(true))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!log.contains("[w] v1") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Files.writeString(script, "async function main(env) { console.log('v2'); await new Promise(() => {}); }");
      while (events.stream().noneMatch(e -> e.kind() == HostEvent.Kind.TERMINATED && Boolean.TRUE.equals(e.fields().get("replaced")))
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.TERMINATED && "script.changed".equals(e.fields().get("cause"))
          && Boolean.TRUE.equals(e.fields().get("replaced"))), events.toString());
      CountersReader reader = CountersReader.open(file);
      // Two looks of the sampler after the old end: the record is the running new instance's.
      Thread.sleep(3 * HostCounters.SAMPLE_MS);
      Map<String, CountersReader.Record> r = awaitRecords(reader, rs -> rs.get("host host").value("running") == 1);
      CountersReader.Record w = r.get("component w");
      assertEquals(CounterType.RUNNING, w.value("state"), events.toString());
      assertEquals(0, w.value("terminations_other"));
      assertEquals(0, r.get("host host").value("terminated"));
      assertTrue(h.workerPids().isEmpty(), "in process: the instances share the host's file directly");
    }
  }

  /** Records keyed "type owner", once {@code ready} holds for them (10 s at most; the sampler looks every 100 ms). */
  private Map<String, CountersReader.Record> awaitRecords(CountersReader reader, Predicate<Map<String, CountersReader.Record>> ready)
      throws InterruptedException {
    Map<String, CountersReader.Record> r = Map.of();
    for (int i = 0; i < 200; i++) {
      r = new LinkedHashMap<>();
      for (CountersReader.Record x : reader.records()) {
        r.put(x.type().name().toLowerCase(java.util.Locale.ROOT) + " " + x.owner(), x);
      }
      if (ready.test(r)) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the counters never showed what was expected: " + describe(r) + "; events " + events);
  }

  private static String describe(Map<String, CountersReader.Record> r) {
    StringBuilder b = new StringBuilder();
    r.forEach((k, v) -> b.append(k).append('=').append(java.util.Arrays.toString(v.values())).append(' '));
    return b.toString();
  }
}
