package b8g.bench;

import b8g.components.Component;
import b8g.host.Host;
import b8g.host.HostEvent;
import b8g.memory.Message;
import b8g.memory.RingDescriptor;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Channel throughput through a whole {@link Host}: a generated manifest (in a temporary directory)
 * with the platform writer and reader of {@link ChannelBench} ({@code channel-writer.js},
 * {@code channel-reader.js}) on a 1 MiB channel (or another capacity), both in the host's JVM or
 * each in a worker process of its own group ({@code process_group}), so a message crosses from one
 * worker to the other through the host's shared memory. Java drives the rounds through ends the host holds (the
 * {@code go}, {@code ack} and {@code stats} channels, granted to no component), exactly as {@link
 * ChannelBench.Platform} does; the first round (one message) only proves both components run, so
 * no round includes a worker's boot.
 *
 * <p>The host keeps no spare worker ({@code spareWorkers(0)}): a spare booting in the background
 * would take CPU from the rounds. Deadlock detection is off: between rounds both components wait
 * for Java.
 */
final class HostChannel implements ChannelBench.Driver {
  static final String WRITER = "bench_writer";
  static final String READER = "bench_reader";

  private final Path dir;
  private final Host host;
  private final RingWriter go;
  private final RingReader ack;
  private final RingReader stats;
  /** Components the host reported ended, with how, for the failure message. */
  private final Map<String, String> ended = new ConcurrentHashMap<>();
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final boolean inWorkers;
  private long writerWaits;
  private long readerWaits;
  private long messages;
  /** Write system calls of the writer's and the reader's worker (each frame it sends is one). */
  private long writerSends;
  private long readerSends;

  /**
   * Launches the host and waits until both components run.
   *
   * @param spin tryWrite / tryRead retries before awaiting ready() (0: the idiomatic loops)
   * @param inWorkers writer and reader each in a worker process of its own; else both in the host's JVM
   */
  HostChannel(int size, String mode, int spin, boolean inWorkers) throws Exception {
    this(size, mode, spin, ChannelBench.CAPACITY, inWorkers);
  }

  /** As {@link #HostChannel(int, String, int, boolean)} with a data channel of {@code capacity} bytes. */
  HostChannel(int size, String mode, int spin, int capacity, boolean inWorkers) throws Exception {
    this.inWorkers = inWorkers;
    dir = Files.createTempDirectory("b8g-bench-host-");
    Host h = null;
    try {
      Files.writeString(dir.resolve("writer.js"), withParameters("channel-writer.js", "size: '" + size + "', spin: '" + spin + "'"));
      Files.writeString(dir.resolve("reader.js"), withParameters("channel-reader.js", "mode: '" + mode + "', spin: '" + spin + "'"));
      String tier = inWorkers ? " process_group: \"%s\"" : "";
      Path manifest = dir.resolve("bench.txtpb");
      Files.writeString(manifest, """
          components { name: "%s" script: "writer.js" limits { cpu_ms_per_turn: 600000 }%s }
          components { name: "%s" script: "reader.js" limits { cpu_ms_per_turn: 600000 }%s }
          channels { name: "data" capacity: %d backing: ANONYMOUS }
          channels { name: "go" capacity: 4096 backing: ANONYMOUS }
          channels { name: "ack" capacity: 4096 backing: ANONYMOUS }
          channels { name: "stats" capacity: 4096 backing: ANONYMOUS }
          grants { component: "%s" channel: "data" rights: WRITE as: "out" }
          grants { component: "%s" channel: "go" rights: READ as: "go" }
          grants { component: "%s" channel: "stats" rights: WRITE as: "stats" }
          grants { component: "%s" channel: "data" rights: READ as: "in" }
          grants { component: "%s" channel: "ack" rights: WRITE as: "ack" }
          """.formatted(WRITER, tier.formatted("w"), READER, tier.formatted("r"), capacity,
          WRITER, WRITER, WRITER, READER, READER));
      h = Host.launch(new Host.Context().manifest(manifest).log(log::add).events(this::event)
          .deadlockDetection(false).spareWorkers(0));
      host = h;
      go = h.channel("go").writer();
      ack = h.channel("ack").reader();
      stats = h.channel("stats").reader();
      if (inWorkers && (h.workerPid(WRITER) == 0 || h.workerPid(READER) == 0 || h.workerPid(WRITER) == h.workerPid(READER))) {
        throw new FigureFailed("the writer and reader do not run in two workers: pids " + h.workerPid(WRITER)
            + " and " + h.workerPid(READER));
      }
      round(1); // both run main (a worker's boot is behind us)
      waitsPerMessage();
    } catch (Exception | Error e) {
      if (h != null) {
        h.close();
      }
      delete(dir);
      throw e;
    }
  }

  /** The channel script from this module's resources, its {@code main} called with these extra env entries. */
  private static String withParameters(String resource, String entries) {
    String text = Bench.resource(resource);
    String head = "async function main(env) {";
    if (!text.contains(head)) {
      throw new IllegalStateException(resource + " no longer begins its main with \"" + head + "\"");
    }
    return text.replace(head, "async function benchMain(env) {")
        + "\n// Generated by the bench: a manifest grants no plain values, so the parameters come from here.\n"
        + "async function main(env) {\n  const e = {};\n  for (const k of Object.keys(env)) e[k] = env[k];\n"
        + "  return benchMain(Object.assign(e, { " + entries + " }));\n}\n";
  }

  private void event(HostEvent e) {
    switch (e.kind()) {
      case EXITED, FAILED, TERMINATED, DEADLOCK -> ended.putIfAbsent(e.component(),
          e.kind().name() + (e.detail().isEmpty() ? "" : ": " + e.detail()));
      default -> { }
    }
  }

  /** Fails the wait once either component has ended. */
  private void requireRunning(String what) {
    if (ended.containsKey(WRITER) || ended.containsKey(READER)) {
      throw new FigureFailed("while waiting for " + what + ", " + state());
    }
  }

  private String state() {
    List<String> parts = new ArrayList<>();
    for (String c : List.of(WRITER, READER)) {
      String how = ended.get(c);
      String where = inWorkers ? " (worker " + host.workerPid(c) + ")" : "";
      parts.add(how == null ? c + where + " is still running" : c + " ended: " + how);
    }
    parts.sort(Comparator.comparing(p -> p.contains(" is still running")));
    return String.join("; ", parts) + (log.isEmpty() ? "" : "; last log line: " + log.get(log.size() - 1));
  }

  @Override
  public double round(long n) throws InterruptedException {
    Duration bound = Watch.bound();
    long[] sends0 = sends();
    long t0 = System.nanoTime();
    Watch.write(go, Long.toString(n).getBytes(StandardCharsets.UTF_8), RingDescriptor.TYPE_TEXT,
        "the round size for " + WRITER, bound, this::requireRunning, this::state);
    Message m = Watch.take(ack, "the end of a round of " + n + " messages from " + READER, bound, this::requireRunning, this::state);
    long t1 = System.nanoTime();
    Message w = Watch.take(stats, WRITER + "'s wait count", bound, this::requireRunning, this::state);
    long[] sends1 = sends();
    writerSends += sends1[0] - sends0[0];
    readerSends += sends1[1] - sends0[1];
    readerWaits += Long.parseLong(m.text().split(" ")[0]);
    writerWaits += Long.parseLong(w.text());
    messages += n;
    return (t1 - t0) / 1e9;
  }

  /**
   * Awaits per message of the writer and the reader since the last call and, with the components
   * in workers, the frames per message each worker sent (its write system calls, from
   * /proc/PID/io: in a round nearly all are wake-ups of the other side, which the host relays).
   */
  @Override
  public double[] waitsPerMessage() {
    double m = Math.max(messages, 1);
    double[] r = inWorkers ? new double[] {writerWaits / m, readerWaits / m, writerSends / m, readerSends / m}
        : new double[] {writerWaits / m, readerWaits / m};
    writerWaits = 0;
    readerWaits = 0;
    writerSends = 0;
    readerSends = 0;
    messages = 0;
    return r;
  }

  /** syscw of the writer's and the reader's worker now; zeros in process. */
  private long[] sends() {
    if (!inWorkers) {
      return new long[2];
    }
    return new long[] {syscw(host.workerPid(WRITER)), syscw(host.workerPid(READER))};
  }

  private static long syscw(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
        if (line.startsWith("syscw:")) {
          return Long.parseLong(line.substring(6).strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc/PID/io (another kernel, a worker gone): the diagnostic reads 0
    }
    return 0;
  }

  /** Process ids of the writer's and the reader's workers (0 in the host's JVM). */
  long[] workerPids() {
    return new long[] {host.workerPid(WRITER), host.workerPid(READER)};
  }

  @Override
  public void finish() throws Exception {
    try {
      go.close(Watch.SLICE);
      Map<String, Component.ExitStatus> done = host.awaitCompletion(Watch.bound());
      if (done == null || !done.get(WRITER).success() || !done.get(READER).success()) {
        throw new FigureFailed("the benchmark components did not end cleanly: "
            + (done == null ? "not within " + Watch.bound().toSeconds() + " s; " + state() : done));
      }
    } finally {
      host.close();
      delete(dir);
    }
  }

  @Override
  public void abandon() {
    try {
      go.close(Duration.ZERO); // throws channel.broken when the writer is gone: the host goes anyway
    } finally {
      try {
        host.close();
      } finally {
        delete(dir);
      }
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // a temporary directory of this user: best effort
    }
  }
}
