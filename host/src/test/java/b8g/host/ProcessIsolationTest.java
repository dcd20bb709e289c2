package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.host.manifest.schema.Isolation;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Components in worker processes with the same handles: channels and regions in the host's shared
 * memory, wake-ups across processes, supervision of a worker that dies. Real worker JVMs, real
 * signals. (HostFixture checks that no /dev/shm file of this process is left behind.)
 */
class ProcessIsolationTest extends HostFixture {
  /** Reads numbers as text and checks each is the one after the last, in the region it was given. */
  private static final String CHECKING_SINK = """
      // progress[0]: the last number seen (survives a restart: the region is the host's)
      async function main(env) {
        const seen = new Int32Array(env.progress.buffer);
        for (;;) {
          let gap = null;
          const got = env.in.readInPlace((view) => {
            const n = Number(new TextDecoder().decode(view));
            const last = Atomics.load(seen, 0);
            // The number the last instance recorded and died before it released is seen again.
            if (n !== last + 1 && n !== last) gap = 'after ' + last + ' came ' + n;
            Atomics.store(seen, 0, n);
          });
          if (gap) { console.log('gap: ' + gap); throw new Error(gap); }
          if (!got) {
            if (env.in.ended) { console.log('sink saw ' + Atomics.load(seen, 0)); return; }
            await env.in.ready();
          }
        }
      }
      """;
  private static final String PRODUCER = """
      async function main(env) {
        for (let i = 1; i <= %d; i++) {
          const p = env.out.write(String(i));
          if (p) await p;
        }
        await env.out.close();
      }
      """;

  private Path pipeline(int n, String sinkTier, String extra) throws Exception {
    write("producer.js", PRODUCER.formatted(n));
    write("sink.js", CHECKING_SINK);
    return write("m.txtpb", """
        components { name: "producer" script: "producer.js" }
        components { name: "sink" script: "sink.js" %s
                     restart { mode: ON_FAILURE max_restarts: 3 } }
        channels { name: "numbers" capacity: 65536 backing: ANONYMOUS }
        regions { name: "progress" size: 4096 backing: ANONYMOUS }
        grants { component: "producer" channel: "numbers" rights: WRITE as: "out" }
        grants { component: "sink" channel: "numbers" rights: READ as: "in" }
        grants { component: "sink" region: "progress" rights: [READ, WRITE] }
        grants { component: "sink" host: LOG }
        %s
        """.formatted(sinkTier, extra));
  }

  @Test
  void aChannelAcrossProcessesDeliversEveryMessageInOrder() throws Exception {
    try (Host h = launch(pipeline(200_000, "isolation: PROCESS", ""))) {
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.get("sink").success(), done.toString() + log);
      assertTrue(done.get("producer").success(), done.toString());
      assertTrue(log.contains("[sink] sink saw 200000"), log.toString());
      assertEquals(200_000, h.region("progress").readVolatileInt(0));
    }
  }

  @Test
  void everyComponentInItsOwnWorkerWhenTheHostSaysSo() throws Exception {
    Path m = pipeline(50_000, "", "");
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).isolation(Isolation.PROCESS))) {
      assertTrue(h.component("sink") == null || h.component("sink").status() != null, "the sink does not run in the host's JVM");
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.get("sink").success(), done.toString() + log);
      assertTrue(log.contains("[sink] sink saw 50000"), log.toString());
      assertTrue(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.STARTED && e.component().equals("producer")
          && e.detail().contains("in worker")), events.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"KILL", "ABRT"})
  void aWorkerKilledMidStreamRestartsOnTheSameChannelAndLosesNothing(String signal) throws Exception {
    int n = 400_000;
    // A sibling pair streams in a worker of its own all along.
    write("sib_producer.js", PRODUCER.formatted(n));
    write("sib_sink.js", """
        async function main(env) {
          let count = 0;
          for await (const m of env.in) count++;
          console.log('sibling saw ' + count);
        }
        """);
    String sibling = """
        components { name: "sib_producer" script: "sib_producer.js" }
        components { name: "sib_sink" script: "sib_sink.js" process_group: "sibling" }
        channels { name: "sib" capacity: 4096 backing: ANONYMOUS }
        grants { component: "sib_producer" channel: "sib" rights: WRITE as: "out" }
        grants { component: "sib_sink" channel: "sib" rights: READ as: "in" }
        grants { component: "sib_sink" host: LOG }
        """;
    // The producer stops before message n / 10 until the test opens its gate, so the sink is
    // killed mid-stream (waiting for message n / 10) however fast the stream runs: without the
    // gate it once ran to the end between the test's two looks.
    String gate = """
        regions { name: "gate" size: 4096 backing: ANONYMOUS }
        grants { component: "producer" region: "gate" rights: [READ, WRITE] }
        """;
    Path manifest = pipeline(n, "isolation: PROCESS", sibling + gate);
    write("producer.js", """
        async function main(env) {
          const gate = new Int32Array(env.gate.buffer);
          for (let i = 1; i <= %d; i++) {
            if (i === %d) while (Atomics.load(gate, 0) === 0) await new Promise((r) => setTimeout(r, 5));
            const p = env.out.write(String(i));
            if (p) await p;
          }
          await env.out.close();
        }
        """.formatted(n, n / 10));
    try (Host h = launch(manifest)) {
      Region progress = h.region("progress");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (progress.readVolatileInt(0) < n / 10 - 1 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long pid = h.workerPid("sink");
      assertNotEquals(0, pid, "the sink runs in a worker");
      assertNotEquals(pid, h.workerPid("sib_sink"), "the sibling has a worker of its own");
      int before = progress.readVolatileInt(0);
      assertTrue(before < n, "killed mid-stream (the sink had seen " + before + ")");
      assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor());
      h.region("gate").writeVolatileInt(0, 1);
      Map<String, ExitStatus> done = finish(h, Duration.ofSeconds(120));
      assertTrue(done.get("sink").success(), done + " " + log);
      assertTrue(log.contains("[sink] sink saw " + n), log.toString());
      assertTrue(log.stream().noneMatch(l -> l.startsWith("[sink] gap")), log.toString());
      assertTrue(log.contains("[sib_sink] sibling saw " + n), log.toString());
      assertTrue(done.get("sib_sink").success() && done.get("producer").success(), done.toString());
      String signalNumber = signal.equals("KILL") ? "9" : "6";
      assertTrue(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.FAILED && e.component().equals("sink")
          && e.detail().contains("killed by signal " + signalNumber)), events.toString());
      assertTrue(events.stream().anyMatch(e -> e.kind() == HostEvent.Kind.RESTARTED && e.component().equals("sink")), events.toString());
      assertNotEquals(pid, h.workerPid("sink") == 0 ? -1 : h.workerPid("sink"));
    }
  }

  /**
   * The worst moment for a reader to die: it has cleared the waiting writer's flag and not yet
   * woken it. Its restart must still get the writer going, else both wait for ever.
   */
  @Test
  void aReaderThatDiesBetweenClearingTheWritersFlagAndWakingItStrandsNobody() throws Exception {
    write("producer.js", PRODUCER.formatted(100_000));
    write("sink.js", """
        async function main(env) {
          const state = new Int32Array(env.progress.buffer);
          if (Atomics.add(state, 1, 1) === 0) return new Promise(() => {}); // the first instance reads nothing
          let count = 0;
          for await (const m of env.in) count++;
          console.log('sink saw ' + count);
        }
        """);
    Path m = write("m.txtpb", """
        components { name: "producer" script: "producer.js" }
        components { name: "sink" script: "sink.js" isolation: PROCESS restart { mode: ON_FAILURE max_restarts: 1 } }
        channels { name: "numbers" capacity: 65536 backing: ANONYMOUS }
        regions { name: "progress" size: 4096 backing: ANONYMOUS }
        grants { component: "producer" channel: "numbers" rights: WRITE as: "out" }
        grants { component: "sink" channel: "numbers" rights: READ as: "in" }
        grants { component: "sink" region: "progress" rights: [READ, WRITE] }
        grants { component: "sink" host: LOG }
        """);
    try (Host h = launch(m)) {
      Ring ring = h.channel("numbers");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while ((!ring.writerWaiting() || h.region("progress").readVolatileInt(4) == 0) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(ring.writerWaiting(), "the producer filled the ring and waits");
      assertEquals(1, h.region("progress").readVolatileInt(4), "the first sink runs");
      // What the dying reader did: took the flag down, and never sent the wake-up.
      ring.region().writeVolatileInt(ring.capacity() + RingDescriptor.WRITER_WAITING_OFFSET, 0);
      assertEquals(0, new ProcessBuilder("kill", "-KILL", Long.toString(h.workerPid("sink"))).start().waitFor());
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.get("producer").success() && done.get("sink").success(), done + " " + log);
      assertTrue(log.contains("[sink] sink saw 100000"), log.toString());
    }
  }

  @Test
  void revokingAGrantReachesTheWorker() throws Exception {
    write("holder.js", """
        async function main(env) {
          const view = new Int32Array(env.progress.buffer);
          Atomics.store(view, 0, 1);
          for (;;) {
            try { env.progress.buffer; } catch (e) { console.log('revoked: ' + e.code); return; }
            await new Promise(r => setTimeout(r, 5));
          }
        }
        """);
    Path m = write("m.txtpb", """
        components { name: "holder" script: "holder.js" isolation: PROCESS }
        regions { name: "progress" size: 4096 backing: ANONYMOUS }
        grants { component: "holder" region: "progress" rights: [READ, WRITE] }
        grants { component: "holder" host: LOG }
        """);
    try (Host h = launch(m)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (h.region("progress").readVolatileInt(0) != 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      h.revoke("holder", "progress");
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.get("holder").success(), done + " " + log);
      assertTrue(log.stream().anyMatch(l -> l.startsWith("[holder] revoked: capability.revoked")), log.toString());
    }
  }

  @Test
  void aComponentInAWorkerSeesTheSameEnvAsInProcess() throws Exception {
    write("env.js", """
        async function main(env) {
          console.log(Object.keys(env).sort().join(',') + ' ' + env.progress.size + ' ' + typeof env.in.read);
        }
        """);
    String manifest = """
        components { name: "probe" script: "env.js" %s }
        channels { name: "numbers" capacity: 4096 backing: ANONYMOUS }
        regions { name: "progress" size: 4096 backing: ANONYMOUS }
        grants { component: "probe" channel: "numbers" rights: READ as: "in" }
        grants { component: "probe" region: "progress" rights: [READ] }
        grants { component: "probe" host: LOG }
        """;
    String inProcess;
    try (Host h = launch(write("a.txtpb", manifest.formatted("")))) {
      finish(h);
      inProcess = log.get(0);
    }
    log.clear();
    try (Host h = launch(write("b.txtpb", manifest.formatted("isolation: PROCESS")))) {
      Map<String, ExitStatus> done = finish(h);
      assertTrue(done.get("probe").success(), done.toString());
    }
    assertEquals(List.of(inProcess), log);
  }

  @Test
  void workersOfAHostKilledWithNineExitAndLeaveNoSharedMemoryBehind() throws Exception {
    Path m = pipeline(1_000_000_000, "process_group: \"g\"", "");
    List<String> cmd = new java.util.ArrayList<>(b8g.host.worker.WorkerProcess.defaultCommand());
    cmd.set(cmd.size() - 1, KilledHostMain.class.getName());
    cmd.add(m.toString());
    Process host = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(host.getInputStream()))) {
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("workers ")) {
        // the host's own lines
      }
      assertTrue(line != null, "the host printed its workers");
      List<ProcessHandle> workers = Stream.of(line.substring("workers ".length()).split(","))
          .map(p -> ProcessHandle.of(Long.parseLong(p.strip())).orElseThrow()).toList();
      assertTrue(workers.size() >= 2, "the group's worker and a spare: " + line);
      assertEquals(0, new ProcessBuilder("kill", "-KILL", Long.toString(host.pid())).start().waitFor());
      host.waitFor();
      for (ProcessHandle w : workers) {
        w.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(!w.isAlive(), "worker " + w.pid() + " outlived its host");
      }
      try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
        assertEquals(List.of(), files.map(p -> p.getFileName().toString())
            .filter(n -> n.startsWith("b8g-" + host.pid() + "-")).toList());
      }
    } finally {
      host.destroyForcibly();
    }
  }

  @Test
  void exportAndLinkInAWorkerFailWithAClearError() throws Exception {
    write("exporter.js", """
        async function main(env) {
          for (const call of [() => env.export('p', env.progress), () => env.link('x'.repeat(64))]) {
            try { call(); console.log('no error'); } catch (e) { console.log(e.code + ': ' + e.message); }
          }
        }
        """);
    Path m = write("m.txtpb", """
        components { name: "exporter" script: "exporter.js" isolation: PROCESS }
        regions { name: "progress" size: 4096 backing: ANONYMOUS }
        grants { component: "exporter" region: "progress" rights: [READ] }
        grants { component: "exporter" host: LOG }
        """);
    try (Host h = launch(m)) {
      assertTrue(finish(h).get("exporter").success(), log.toString());
    }
    assertEquals(2, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("[exporter] capability.isolation: export is not available to a component in a worker process"), log.toString());
    assertTrue(log.get(1).startsWith("[exporter] capability.isolation: link is not available"), log.toString());
  }

  @Test
  void aHostWithoutWorkerComponentsStartsNoWorker() throws Exception {
    try (Host h = launch(pipeline(10, "", ""))) {
      finish(h);
      assertEquals(List.of(), h.workerPids());
    }
  }
}
