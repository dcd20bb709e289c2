package b8g.bench;

import com.caoccao.javet.interop.V8Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The platform's performance figures next to their baselines, all measured in one run, as a table
 * (figure, platform, baseline, ratio, budget, verdict). Budgets are ARCHITECTURE.md's "Performance
 * budgets". Run with {@code bench/run.sh}; options as system properties:
 *
 * <ul>
 *   <li>{@code b8g.bench.smoke} (false): every figure with tiny rounds (1 round of ~0.05 s, 2,000
 *       or 20,000 messages, 10 starts after 3 warm-up ones, 2 worker starts after 1, 20 idle
 *       components, one run of hello), to show that every figure can still be produced; the
 *       numbers are not measurements. Explicit options override;
 *   <li>{@code b8g.bench.rounds} (5): measured rounds per channel figure, each about
 *       {@code b8g.bench.seconds} (1.2) long, after a calibration and a warm-up round;
 *   <li>{@code b8g.bench.starts} (200): component starts measured (after 30 warm-up starts);
 *   <li>{@code b8g.bench.idle} (200,1000): idle component counts;
 *   <li>{@code b8g.bench.ivm}: directory of the isolated-vm Node module (the baseline for start);
 *       without it that baseline is skipped with a note;
 *   <li>{@code b8g.bench.only}: comma list of figure groups to run a subset: channel, worker-channel,
 *       start, worker-start, worker-rss, idle, hello, service ({@code worker} for the three worker-* groups);
 *       they run in that order whatever the order of the list;
 *   <li>{@code b8g.bench.hello} (10, smoke 1): runs of {@code ./b8g run examples/hello} and of node;
 *   <li>{@code b8g.bench.spin} (200): the spin-then-await experiment rows (0 leaves them out);
 *   <li>{@code b8g.bench.bigring} (8): MiB of the larger ring of the worker-channel experiment row
 *       (0 leaves it out);
 *   <li>{@code b8g.bench.timeout} (120, smoke 60): seconds any one wait may take (a round, a start,
 *       an end) before its figure fails.
 * </ul>
 *
 * <p>Numbers are "median [min-max]" over rounds (throughput) or "median / p90" over starts.
 *
 * <p>A figure that cannot be produced (a benchmark component ended, or a wait reached its bound)
 * is reported at once with the component's name and the reason the platform gave, its row reads
 * "NOT PRODUCED", the other figures still run, and the process exits with status 1. No wait is
 * unbounded, and none goes on once a component it depends on has ended.
 */
public final class Bench {
  private record Row(String figure, String platform, String baseline, String ratio, String budget, String verdict) {}

  /** Something that produces a figure, and may fail to. */
  private interface Body<T> {
    T run() throws Exception;
  }

  /** Every figure group, in the order they run; {@code b8g.bench.only} picks some. */
  static final List<String> FIGURES = List.of("channel", "worker-channel", "start", "worker-start", "worker-rss", "idle", "hello",
      "service", "counters");
  /** The groups a plain run measures. */
  static final List<String> DEFAULT_FIGURES = FIGURES;

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  private Bench() {}

  public static void main(String[] args) {
    int status;
    try {
      status = new Bench().run();
    } catch (Throwable e) {
      System.out.flush();
      System.err.println("bench: stopped by an error outside any figure:");
      e.printStackTrace();
      status = 2;
    }
    // Component threads and the scheduler are daemons; exit even if a benchmark left one behind.
    System.exit(status);
  }

  /** Tiny rounds: every figure once, to show it can be produced ({@code b8g.bench.smoke}). */
  static boolean smoke() {
    return Boolean.getBoolean("b8g.bench.smoke");
  }

  /**
   * The figure groups named in {@code list} (commas; {@code worker} stands for every worker-*
   * group, as before they were split).
   *
   * @throws IllegalArgumentException for a name that is no group
   */
  static Set<String> selected(String list) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : list.split(",")) {
      String name = raw.strip();
      if (name.isEmpty()) {
        continue;
      }
      if (name.equals("worker")) {
        out.addAll(List.of("worker-channel", "worker-start", "worker-rss"));
      } else if (FIGURES.contains(name)) {
        out.add(name);
      } else {
        throw new IllegalArgumentException("b8g.bench.only: no figure group \"" + name + "\"; groups: "
            + String.join(",", FIGURES) + " (worker = every worker-* group)");
      }
    }
    return out;
  }

  /** Runs the figures; returns the exit status (1 if any figure could not be produced). */
  private int run() throws Exception {
    boolean smoke = smoke();
    int rounds = Integer.getInteger("b8g.bench.rounds", smoke ? 1 : 5);
    double seconds = Double.parseDouble(System.getProperty("b8g.bench.seconds", smoke ? "0.05" : "1.2"));
    int starts = Integer.getInteger("b8g.bench.starts", smoke ? 10 : 200);
    Set<String> only;
    try {
      only = selected(System.getProperty("b8g.bench.only", String.join(",", DEFAULT_FIGURES)));
    } catch (IllegalArgumentException e) {
      System.out.println("bench: " + e.getMessage());
      return 2;
    }
    String ivm = System.getProperty("b8g.bench.ivm");

    long t0 = System.nanoTime();
    String v8;
    try (V8Runtime rt = BareV8.host().createV8Runtime()) {
      v8 = rt.getVersion();
    }
    System.out.printf("b8g bench: %d cores (%s), %s %s (%s), V8 %s, Javet 5.0.6, max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), System.getProperty("os.arch"), v8,
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf("first runtime in the process (native library load): %.0f ms; load average %s%n",
        (System.nanoTime() - t0) / 1e6, loadAverage());
    if (smoke) {
      System.out.println("SMOKE MODE: tiny rounds; every figure is produced once, the numbers are not measurements");
    }
    System.out.printf("channels: %d KiB rings, %d measured rounds of ~%.2f s each after calibration + warm-up%n%n",
        ChannelBench.CAPACITY >> 10, rounds, seconds);

    Map<String, Runnable> groups = new LinkedHashMap<>();
    groups.put("channel", () -> channels(rounds, seconds, smoke, ivm == null ? null : Path.of(ivm)));
    groups.put("worker-channel", () -> workerChannels(rounds, seconds, smoke));
    groups.put("start", () -> starts(starts, smoke ? 3 : 30, ivm == null ? null : Path.of(ivm)));
    groups.put("worker-start", () -> workerStarts(smoke ? 2 : 20, smoke ? 1 : 3, smoke ? 2 : 10, smoke ? 1 : 2));
    groups.put("worker-rss", () -> workerRss(smoke ? 0 : 1, smoke ? 1 : 3));
    groups.put("idle", () -> {
      for (String s : System.getProperty("b8g.bench.idle", smoke ? "20" : "200,1000").split(",")) {
        idle(Integer.parseInt(s.strip()));
      }
    });
    groups.put("hello", () -> hello(smoke ? 1 : 2, Integer.getInteger("b8g.bench.hello", smoke ? 1 : 10)));
    groups.put("service", () -> services(smoke));
    groups.put("counters", () -> counters(rounds, seconds, smoke, starts));
    List<String> took = new ArrayList<>();
    for (String g : FIGURES) {
      if (only.contains(g)) {
        long g0 = System.nanoTime();
        groups.get(g).run();
        took.add(String.format("%s %.0f s", g, (System.nanoTime() - g0) / 1e9));
      }
    }
    notes.add("time per group: " + String.join(", ", took));
    print(smoke);
    System.out.printf("%ntotal %.0f s; load average at the end %s%n", (System.nanoTime() - t0) / 1e9, loadAverage());
    if (failures.isEmpty()) {
      System.out.println("bench: every figure was produced" + (smoke ? " (smoke mode)" : ""));
      return 0;
    }
    System.out.println("bench: FAILED: " + failures.size() + " figure(s) could not be produced:");
    for (String f : failures) {
      System.out.println("  " + f);
    }
    return 1;
  }

  /**
   * Runs {@code body}, which produces the figures named {@code figures}. If it fails, says so at
   * once, adds a "NOT PRODUCED" row for each, records the failure, and returns null: the run goes
   * on with the next figures and exits non-zero at the end.
   */
  private <T> T figure(Body<T> body, String... figures) {
    long t0 = System.nanoTime();
    try {
      return body.run();
    } catch (Exception | Error e) {
      String why = e instanceof FigureFailed ? e.getMessage() : e.toString();
      List<String> names = new ArrayList<>();
      for (String f : figures) {
        names.add(f.strip());
      }
      String line = String.join(", ", names) + ": " + why;
      System.out.printf("!!! figure could not be produced (gave up after %.1f s): %s%n", (System.nanoTime() - t0) / 1e9, line);
      if (!(e instanceof FigureFailed)) {
        e.printStackTrace(System.out);
      }
      for (Throwable t : e.getSuppressed()) {
        System.out.println("    (while cleaning up: " + t + ")");
      }
      failures.add(line);
      for (String f : figures) {
        rows.add(new Row(f, "NOT PRODUCED", "-", "-", "-", "NOT PRODUCED"));
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
  }

  // ---- services -----------------------------------------------------------------------------------

  private void services(boolean smoke) {
    String fJava = "Java service calls, pipelined (M calls/s)";
    String fJavaOne = "Java service call one at a time, p50 / p99 (us)";
    String fPair = "component-to-component calls, pipelined (M calls/s)";
    String fPairOne = "component-to-component call one at a time, p50 (us)";
    progress("service calls: a Java service, then a component's, then two channels between the same pair");
    ServiceBench.Result r = figure(() -> ServiceBench.run(smoke), fJava, fJavaOne, fPair, fPairOne);
    if (r == null) {
      return;
    }
    rows.add(new Row(fJava, String.format("%.2f", r.javaPipelined() / 1e6), String.format("%.1f ns direct call", r.directNs()),
        "-", "-", "reported"));
    rows.add(new Row(fJavaOne, String.format("%.1f / %.1f", r.javaP50Us(), r.javaP99Us()),
        String.format("%.1f ns direct call", r.directNs()), "-", "-", "reported"));
    rows.add(new Row(fPair, String.format("%.2f", r.componentPipelined() / 1e6), String.format("%.2f channel pair", r.channelPipelined() / 1e6),
        String.format("%.2f", r.componentPipelined() / r.channelPipelined()), ">= 1 M/s", r.componentPipelined() >= 1e6 ? "ok" : "MISSED"));
    rows.add(new Row(fPairOne, String.format("%.1f", r.componentP50Us()), String.format("%.1f channel pair", r.channelP50Us()),
        String.format("%.2f", r.componentP50Us() / r.channelP50Us()), "<= 20 us", r.componentP50Us() <= 20 ? "ok" : "MISSED"));
    notes.add(String.format("service: Java service one at a time %.0f calls/s (mean); latencies are the service's gaps between "
        + "arrivals of sequential calls; component p50 is the median of %d-call run means (0.1 ms clock); batches of %d in flight",
        r.javaOneAtATime(), ServiceBench.RUN, ServiceBench.BATCH));
  }

  // ---- channels ---------------------------------------------------------------------------------

  private void channels(int rounds, double seconds, boolean smoke, Path ivmDir) {
    int spin = Integer.getInteger("b8g.bench.spin", 200);
    // Smallest rounds: calibration never goes below these. In smoke mode 2,000 x 64 KiB still
    // streams 125 MiB per round through the copy APIs, more than a component's off-heap budget.
    long big = smoke ? 2_000 : 20_000;
    long small = smoke ? 20_000 : 2_000_000;

    progress("channel 64 KiB copy in/out: platform and raw ring, alternating rounds; then the peers' rings");
    String f64k = "channel 64 KiB, copy in+out (GiB/s)";
    ChannelBench.Pair c64k = figure(() -> ChannelBench.measure(() -> new ChannelBench.Platform(65536, "copy", 0),
        () -> new ChannelBench.Raw(65536, "copy"), 65536, big, seconds, rounds), f64k);
    if (c64k != null) {
      Stats p = c64k.platform().gibPerSecond();
      Stats b = c64k.baseline().gibPerSecond();
      double best = bestPeer(65536, "copy", big, seconds, rounds, ivmDir, c64k);
      boolean pass = c64k.ratio().median() >= 1.0 && (Double.isNaN(best) || c64k.platform().msgsPerSecond().median() >= best);
      rows.add(rows.size() - peerRows, new Row(f64k, p.range("%.2f"), b.range("%.2f"),
          c64k.ratio().range("%.2f"), ">= 1.0 x raw, >= best peer", pass ? "PASS" : "FAIL"));
      waits("64 KiB copy", c64k.platform());
    }

    progress("channel 64 B: platform and raw ring, alternating rounds; then the peers' rings");
    String f64 = "channel 64 B messages, copy in+out (M msg/s)";
    ChannelBench.Pair c64 = figure(() -> ChannelBench.measure(() -> new ChannelBench.Platform(64, "copy", 0),
        () -> new ChannelBench.Raw(64, "copy"), 64, small, seconds, rounds), f64);
    if (c64 != null) {
      Stats pm = scale(c64.platform().msgsPerSecond(), 1e-6);
      Stats bm = scale(c64.baseline().msgsPerSecond(), 1e-6);
      bestPeer(64, "copy", small, seconds, rounds, ivmDir, c64);
      rows.add(rows.size() - peerRows, new Row(f64, pm.range("%.2f"), bm.range("%.2f"),
          c64.ratio().range("%.2f"), ">= 10 M/s", pm.median() >= 10 ? "PASS" : "FAIL"));
      waits("64 B", c64.platform());
    }

    progress("channel 64 B read in place: platform and raw ring, alternating rounds; then the peers' rings");
    String f64i = "channel 64 B messages, read in place (M msg/s)";
    ChannelBench.Pair c64i = figure(() -> ChannelBench.measure(() -> new ChannelBench.Platform(64, "inplace", 0),
        () -> new ChannelBench.Raw(64, "inplace"), 64, small, seconds, rounds), f64i);
    if (c64i != null) {
      Stats pm = scale(c64i.platform().msgsPerSecond(), 1e-6);
      Stats bm = scale(c64i.baseline().msgsPerSecond(), 1e-6);
      bestPeer(64, "inplace", small, seconds, rounds, ivmDir, c64i);
      rows.add(rows.size() - peerRows, new Row(f64i, pm.range("%.2f"), bm.range("%.2f"),
          c64i.ratio().range("%.2f"), ">= 20 M/s", pm.median() >= 20 ? "PASS" : "FAIL"));
      waits("64 B in place", c64i.platform());
    }

    progress("channel 64 KiB read in place: platform and raw ring, alternating rounds; then the peers' rings");
    String fin = "channel 64 KiB, copy in, read in place (GiB/s)";
    ChannelBench.Pair cin = figure(() -> ChannelBench.measure(() -> new ChannelBench.Platform(65536, "inplace", 0),
        () -> new ChannelBench.Raw(65536, "inplace"), 65536, big, seconds, rounds), fin);
    if (cin != null) {
      Stats pi = cin.platform().gibPerSecond();
      Stats bi = cin.baseline().gibPerSecond();
      double best = bestPeer(65536, "inplace", big, seconds, rounds, ivmDir, cin);
      double vsPeer = cin.platform().msgsPerSecond().median() / best;
      rows.add(rows.size() - peerRows, new Row(fin, pi.range("%.2f"), bi.range("%.2f"),
          cin.ratio().range("%.2f"), ">= 1.2 x best peer", Double.isNaN(best) ? "n/a" : vsPeer >= 1.2 ? "PASS" : "FAIL"));
      waits("64 KiB in place", cin.platform());
    }

    if (spin > 0) {
      // Experiment: the same loops retrying tryWrite/tryRead/readInPlace `spin` times before
      // awaiting ready(), i.e. spin-then-park at user level instead of parking at once.
      String[][] configs = {{"65536", "copy", "64 KiB copy"}, {"64", "copy", "64 B"}, {"65536", "inplace", "64 KiB in place"}};
      for (String[] c : configs) {
        int size = Integer.parseInt(c[0]);
        boolean tiny = size == 64;
        String name = "  experiment: " + c[2] + ", spin " + spin + " then await" + (tiny ? " (M msg/s)" : " (GiB/s)");
        progress("channel experiment: " + c[2] + ", spin " + spin + " before await");
        ChannelBench.Pair e = figure(() -> ChannelBench.measure(() -> new ChannelBench.Platform(size, c[1], spin),
            () -> new ChannelBench.Raw(size, c[1]), size, tiny ? small : big, seconds, rounds), name);
        if (e != null) {
          Stats ep = tiny ? scale(e.platform().msgsPerSecond(), 1e-6) : e.platform().gibPerSecond();
          Stats eb = tiny ? scale(e.baseline().msgsPerSecond(), 1e-6) : e.baseline().gibPerSecond();
          rows.add(new Row(name, ep.range("%.2f"), eb.range("%.2f"), e.ratio().range("%.2f"), "-", "info"));
          waits(c[2] + ", spin " + spin, e.platform());
        }
      }
    }
    notes.add(String.format("channel rounds (msgs, platform / raw): 64 KiB %s, 64 B %s, 64 B in place %s, 64 KiB in place %s",
        roundSizes(c64k), roundSizes(c64), roundSizes(c64i), roundSizes(cin)));
  }

  /** Rows the last {@link #bestPeer} call added (the figure's own row goes before them). */
  private int peerRows;

  /**
   * Runs the peers' rings (PeerRings) for a figure right after its platform rounds, adds a row for
   * each (a peer that cannot run reads n/a, with a note; never a failure) and returns the best
   * peer's median messages per second, or NaN if none ran.
   */
  private double bestPeer(int size, String mode, long n0, double seconds, int rounds, Path ivmDir, ChannelBench.Pair pair) {
    boolean tiny = size < 4096;
    double best = Double.NaN;
    peerRows = 0;
    for (PeerRings.Kind kind : PeerRings.Kind.values()) {
      progress("  peer: " + kind.label);
      PeerRings.Result r = PeerRings.run(kind, ivmDir, size, mode, n0, seconds, rounds);
      String name = "  peer: " + kind.label + (tiny ? " (M msg/s)" : " (GiB/s)");
      if (!r.ok()) {
        rows.add(new Row(name, "n/a", "-", "n/a", "-", "n/a"));
        notes.add(name.strip() + ", " + size + " B " + mode + ": n/a: " + r.note());
      } else {
        Stats shown = tiny ? scale(r.msgsPerSecond(), 1e-6) : scale(r.msgsPerSecond(), size / (double) (1L << 30));
        rows.add(new Row(name, shown.range("%.2f"), "-", String.format("%.2f", pair.platform().msgsPerSecond().median()
            / r.msgsPerSecond().median()), "-", "info"));
        best = Double.isNaN(best) ? r.msgsPerSecond().median() : Math.max(best, r.msgsPerSecond().median());
      }
      peerRows++;
    }
    return best;
  }

  private static String roundSizes(ChannelBench.Pair p) {
    return p == null ? "-" : p.platform().messagesPerRound() + " / " + p.baseline().messagesPerRound();
  }

  private void waits(String what, ChannelBench.Result r) {
    double[] w = r.waitsPerMessage();
    if (w != null) {
      notes.add(String.format("%s: ready() awaits per message: writer %.3f, reader %.3f (each one a park + wake-up through Java, unless ready() resolves at once)", what, w[0], w[1]));
    }
  }

  // ---- channels between worker processes ----------------------------------------------------------

  private void workerChannels(int rounds, double seconds, boolean smoke) {
    long big = smoke ? 2_000 : 20_000;
    long small = smoke ? 20_000 : 2_000_000;
    int bigRing = Integer.getInteger("b8g.bench.bigring", 8);
    int pings = smoke ? 20 : 300;
    Stats[] ping = new Stats[2];
    String fPing = "  worker channel, a round of 1 message: Java -> writer -> reader -> Java (us)";
    String[][] configs = {{"65536", "64 KiB copy", "worker channel 64 KiB, copy in+out (GiB/s)", "0.90"},
        {"64", "64 B", "worker channel 64 B messages (M msg/s)", "0.80"}};
    for (String[] c : configs) {
      int size = Integer.parseInt(c[0]);
      boolean tiny = size == 64;
      double target = Double.parseDouble(c[3]);
      progress("worker-channel " + c[1] + ": two worker processes and the same pair in process (whole hosts), alternating rounds");
      // With the small messages, also the latency of a round of one message, alternating likewise:
      // Java -> writer (go), writer -> reader (data), reader -> Java (ack): in workers each hop a
      // park and a wake-up across the host's sockets.
      ChannelBench.Probe probe = !tiny ? null : (platform, baseline) -> {
        double[] pl = new double[pings];
        double[] bl = new double[pings];
        for (int i = 0; i < pings; i++) {
          bl[i] = baseline.round(1) * 1e6;
          pl[i] = platform.round(1) * 1e6;
        }
        ping[0] = Stats.of(pl);
        ping[1] = Stats.of(bl);
      };
      ChannelBench.Pair p = figure(() -> ChannelBench.measure(() -> new HostChannel(size, "copy", 0, true),
          () -> new HostChannel(size, "copy", 0, false), size, tiny ? small : big, seconds, rounds, probe), tiny ? new String[] {c[2], fPing} : new String[] {c[2]});
      if (p != null) {
        Stats pp = tiny ? scale(p.platform().msgsPerSecond(), 1e-6) : p.platform().gibPerSecond();
        Stats pb = tiny ? scale(p.baseline().msgsPerSecond(), 1e-6) : p.baseline().gibPerSecond();
        rows.add(new Row(c[2], pp.range("%.2f"), pb.range("%.2f") + " in process", p.ratio().range("%.2f"),
            String.format(">= %.2f x in process", target), p.ratio().median() >= target ? "PASS" : "FAIL"));
        double[] wp = p.platform().waitsPerMessage();
        double[] wb = p.baseline().waitsPerMessage();
        // What the waits cost, if the whole difference in time per message is theirs.
        double extra = (1 / p.platform().msgsPerSecond().median() - 1 / p.baseline().msgsPerSecond().median()) * 1e6;
        notes.add(String.format("worker channel %s: ready() awaits per message: two workers writer %.4f, reader %.4f; in process"
            + " writer %.4f, reader %.4f (in workers each one a park + a wake-up crossing two sockets through the host);"
            + " frames sent per message by the writer's worker %.4f, the reader's %.4f;"
            + " %.2f us more per message in workers, %.0f us per await if the waits are all of it; msgs per round %d / %d",
            c[1], wp[0], wp[1], wb[0], wb[1], wp[2], wp[3], extra, extra / Math.max(wp[0] + wp[1], 1e-9),
            p.platform().messagesPerRound(), p.baseline().messagesPerRound()));
        if (tiny && ping[0] != null) {
          rows.add(new Row(fPing, ping[0].medianP90("%.0f"), ping[1].medianP90("%.0f") + " in process",
              String.format("%.1f", ping[0].median() / ping[1].median()), "-", "info"));
        }
      }
    }
    if (bigRing > 0) {
      // Experiment: the same 64 KiB streams on a larger ring. A 1 MiB ring holds 16 such messages,
      // a few hundred microseconds of streaming: less than a wake-up across processes takes (see
      // the round of 1 message). If the ratio rises with the ring, the wake-up latency is the cost.
      String name = "  experiment: worker channel 64 KiB copy, " + bigRing + " MiB ring (GiB/s)";
      progress("worker-channel experiment: 64 KiB copy on a " + bigRing + " MiB ring, workers and in process");
      ChannelBench.Pair e = figure(() -> ChannelBench.measure(() -> new HostChannel(65536, "copy", 0, bigRing << 20, true),
          () -> new HostChannel(65536, "copy", 0, bigRing << 20, false), 65536, big, seconds, rounds), name);
      if (e != null) {
        rows.add(new Row(name, e.platform().gibPerSecond().range("%.2f"), e.baseline().gibPerSecond().range("%.2f") + " in process",
            e.ratio().range("%.2f"), "-", "info"));
        double[] wp = e.platform().waitsPerMessage();
        double[] wb = e.baseline().waitsPerMessage();
        notes.add(String.format("worker channel 64 KiB copy, %d MiB ring: ready() awaits per message: two workers writer %.4f,"
            + " reader %.4f; in process writer %.4f, reader %.4f; frames sent per message by the writer's worker %.4f, the"
            + " reader's %.4f", bigRing, wp[0], wp[1], wb[0], wb[1], wp[2], wp[3]));
      }
    }
  }

  // ---- start ------------------------------------------------------------------------------------

  /**
   * What the counters file costs: the 64 B channel figure with each component storing its figures
   * at turn ends against the same pair without, in alternating rounds; and component starts with
   * and without a counters block, alternating start by start.
   */
  private void counters(int rounds, double seconds, boolean smoke, int starts) {
    java.nio.file.Path file = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "b8g-bench-" + ProcessHandle.current().pid() + ".counters");
    try (b8g.memory.counters.CountersFile counters = b8g.memory.counters.CountersFile.create(file, ProcessHandle.current().pid(), 4096)) {
      progress("counters: channel 64 B with counters and without, alternating rounds");
      String f64 = "counters on / off: channel 64 B (M msg/s)";
      long small = smoke ? 20_000 : 2_000_000;
      ChannelBench.Pair c = figure(() -> ChannelBench.measure(() -> new ChannelBench.Platform(64, "copy", 0, counters),
          () -> new ChannelBench.Platform(64, "copy", 0, null), 64, small, seconds, rounds), f64);
      if (c != null) {
        rows.add(new Row(f64, scale(c.platform().msgsPerSecond(), 1e-6).range("%.2f"), scale(c.baseline().msgsPerSecond(), 1e-6).range("%.2f")
            + " off", c.ratio().range("%.3f"), ">= 0.98", c.ratio().median() >= 0.98 ? "PASS" : "FAIL"));
      }
      progress("counters: component start with counters and without, alternating");
      String fStart = "counters on / off: component start -> main ran (ms)";
      Stats[] s = figure(() -> StartBench.counters(smoke ? 3 : 30, starts, counters), fStart);
      if (s != null) {
        rows.add(new Row(fStart, s[0].medianP90("%.2f"), s[1].medianP90("%.2f") + " off",
            String.format("%.3f", s[0].median() / s[1].median()), "<= 1.02", s[0].median() <= 1.02 * s[1].median() ? "PASS" : "FAIL"));
      }
    }
  }

  private void starts(int n, int warmup, Path ivmDir) {
    String fStarted = "component start -> main ran (ms)";
    String fPooled = "component start from a pre-warmed pool -> main ran (ms)";
    String fExited = "component start -> exited, isolate closed (ms)";
    String fAlternating = "  bare runtime + main() + close, alternating (ms)";
    String fBare = "  bare createV8Runtime + close (ms)";
    String fBooted = "  bare runtime + platform prelude eval + close (ms)";
    String fThread = "  new thread + runtime + script + close, joined (ms)";
    progress("start: isolated-vm (Node subprocess), first half");
    StartBench.Ivm ivm = StartBench.isolatedVm(ivmDir, warmup, n / 2);
    progress("start: components, alternating with bare runtimes");
    Stats[] plat = figure(() -> StartBench.platform(warmup, n, false), fStarted, fExited, fAlternating);
    progress("start: components from a pre-warmed pool");
    Stats[] pooled = figure(() -> StartBench.platform(warmup, n, true), fPooled);
    progress("start: breakdown (bare runtime, prelude, thread)");
    Stats bare = figure(() -> StartBench.raw(warmup, n, null), fBare);
    Stats booted = figure(() -> StartBench.raw(warmup, n, StartBench.platformBootScript()), fBooted);
    Stats thread = figure(() -> StartBench.rawOnNewThread(warmup, n), fThread);
    progress("start: isolated-vm (Node subprocess), second half");
    ivm = ivm.pool(StartBench.isolatedVm(ivmDir, warmup, n - n / 2));

    if (plat != null) {
      String base = ivm.async() == null ? "n/a" : ivm.async().medianP90("%.2f");
      String ratio = ivm.async() == null ? "n/a" : String.format("%.2f", plat[0].median() / ivm.async().median());
      String verdict = ivm.async() == null ? "n/a" : plat[0].median() <= ivm.async().median() ? "PASS" : "FAIL";
      rows.add(new Row(fStarted, plat[0].medianP90("%.2f"), base, ratio, "<= isolated-vm", verdict));
    }
    if (pooled != null) {
      rows.add(new Row(fPooled, pooled[0].medianP90("%.2f"), "-", "-", "<= 0.5 ms",
          pooled[0].median() <= 0.5 ? "PASS" : "FAIL"));
    }
    if (plat != null) {
      rows.add(new Row(fExited, plat[1].medianP90("%.2f"),
          ivm.asyncDispose() == null ? "n/a" : ivm.asyncDispose().medianP90("%.2f"),
          ivm.asyncDispose() == null ? "n/a" : String.format("%.2f", plat[1].median() / ivm.asyncDispose().median()), "-", "info"));
    }
    if (ivm.sync() != null) {
      rows.add(new Row("  isolated-vm, sync API: run; +dispose (ms)", "-",
          ivm.sync().medianP90("%.2f") + "; " + ivm.syncDispose().medianP90("%.2f"), "-", "-", "info"));
      notes.add("isolated-vm baseline: Node " + ivm.node() + ", " + ivmDir + "; async API (new Isolate, await createContext, "
          + "compileScript, run) is the baseline; half its starts before, half after the platform's");
    } else {
      notes.add("isolated-vm baseline skipped: " + ivm.note());
    }
    if (plat != null) {
      rows.add(new Row(fAlternating, "-", plat[2].medianP90("%.2f"),
          String.format("%.2f", plat[0].median() / plat[2].median()), "-", "info"));
    }
    if (bare != null) {
      rows.add(new Row(fBare, "-", bare.medianP90("%.2f"), "-", "-", "info"));
    }
    if (booted != null) {
      rows.add(new Row(fBooted, "-", booted.medianP90("%.2f"), "-", "-", "info"));
    }
    if (thread != null) {
      rows.add(new Row(fThread, "-", thread.medianP90("%.2f"), "-", "-", "info"));
    }
  }

  // ---- worker processes ---------------------------------------------------------------------------

  private void workerStarts(int n, int warmup, int nWarm, int warmupWarm) {
    String fWorker = "worker process start -> component ended (ms)";
    String fWarm = "worker start from a warm spare -> main ran (ms)";
    String fSecond = "  second component in the same worker -> main ran (ms)";
    progress("worker-start: cold worker processes, alternating with in-process starts");
    Stats[] s = figure(() -> WorkerBench.cold(warmup, n), fWorker);
    if (s != null) {
      rows.add(new Row(fWorker, s[0].medianP90("%.1f"), s[1].medianP90("%.2f") + " in process",
          String.format("%.0f", s[0].median() / s[1].median()), "<= 300 ms cold", s[0].median() <= 300 ? "PASS" : "FAIL"));
    }
    progress("worker-start: from a warm spare worker, alternating with in-process starts");
    Stats[] w = figure(() -> WorkerBench.warm(warmupWarm, nWarm), fWarm, fSecond);
    if (w != null) {
      rows.add(new Row(fWarm, w[0].medianP90("%.1f"), w[1].medianP90("%.2f") + " in process",
          String.format("%.0f", w[0].median() / w[1].median()), "<= 5 ms warm", w[0].median() <= 5 ? "PASS" : "FAIL"));
      rows.add(new Row(fSecond, w[2].medianP90("%.2f"), w[1].medianP90("%.2f") + " in process",
          String.format("%.1f", w[2].median() / w[1].median()), "-", "info"));
      notes.add("worker start from a warm spare: the spare is a connected worker JVM that has run one throwaway component and"
          + " filled its isolate pool; taking it starts its replacement 1 s later, as in a host; in-process baseline with the"
          + " isolate pool on (the default)");
    }
  }

  // ---- worker memory -----------------------------------------------------------------------------

  private void workerRss(int warmup, int rounds) {
    String fWorker = "worker process RSS, one idle component (MiB)";
    String fSpare = "  spare worker, no component (MiB RSS)";
    progress("worker-rss: a worker with one idle component, and the same component in process");
    Stats[] r = figure(() -> WorkerRssBench.run(warmup, rounds), fWorker, fSpare);
    if (r != null) {
      rows.add(new Row(fWorker, r[0].range("%.1f"), r[1].range("%.1f") + " in process",
          String.format("%.0f", r[0].median() / r[1].median()), "-", "info"));
      rows.add(new Row(fSpare, r[2].range("%.1f"), "-", "-", "-", "info"));
      notes.add("worker RSS: VmRSS of the worker process against this JVM's RSS increase (after a GC) per component for "
          + WorkerRssBench.COPIES + " copies of it run in process by one host; median [min-max] over " + rounds + " rounds, alternating");
    }
  }

  // ---- idle -------------------------------------------------------------------------------------

  private void idle(int n) {
    String name = "idle components, N=" + n + " (MiB RSS each)";
    double[] r = figure(() -> {
      progress("idle: " + n + " components");
      double plat = IdleBench.platform(n);
      progress("idle: " + n + " bare runtimes");
      return new double[] {plat, IdleBench.raw(n)};
    }, name);
    if (r != null) {
      rows.add(new Row(name, String.format("%.2f", r[0]), String.format("%.2f", r[1]), String.format("%.2f", r[0] / r[1]),
          "<= 1.5 MiB", r[0] <= 1.5 ? "PASS" : "FAIL"));
    }
  }

  // ---- hello, whole process ----------------------------------------------------------------------

  private void hello(int warmup, int n) {
    String fWall = "b8g run hello, whole process (ms)";
    String fRss = "  b8g run hello, max RSS (MiB)";
    progress("hello: ./b8g run examples/hello/hello.txtpb and node -e, alternating");
    HelloBench.Result r = figure(() -> HelloBench.run(warmup, n), fWall, fRss);
    if (r != null) {
      rows.add(new Row(fWall, r.wall().medianP90("%.0f"), r.nodeWall() == null ? "n/a" : r.nodeWall().medianP90("%.0f") + " node",
          r.nodeWall() == null ? "n/a" : String.format("%.1f", r.wall().median() / r.nodeWall().median()), "<= 300 ms",
          r.wall().median() <= 300 ? "PASS" : "FAIL"));
      rows.add(new Row(fRss, r.rss() == null ? "n/a" : r.rss().medianP90("%.0f"),
          r.nodeRss() == null ? "n/a" : r.nodeRss().medianP90("%.0f") + " node",
          r.rss() == null || r.nodeRss() == null ? "n/a" : String.format("%.1f", r.rss().median() / r.nodeRss().median()), "-", "info"));
      notes.add("hello: " + n + " runs of each after " + Math.max(warmup, 1) + " unmeasured, alternating; wall time from spawn"
          + " to exit, max RSS from " + HelloBench.TIME + " -f %M" + (r.note().isEmpty() ? "" : "; " + r.note()));
    }
  }

  // ---- output -----------------------------------------------------------------------------------

  private void print(boolean smoke) {
    String[] head = {"figure", "platform", "baseline", "ratio", "budget", "verdict"};
    int[] w = new int[head.length];
    List<String[]> cells = new ArrayList<>();
    cells.add(head);
    for (Row r : rows) {
      // Tiny rounds say nothing about a budget: only whether the figure could be produced.
      String verdict = smoke && !r.verdict().equals("NOT PRODUCED") ? "(smoke)" : r.verdict();
      cells.add(new String[] {r.figure(), r.platform(), r.baseline(), r.ratio(), r.budget(), verdict});
    }
    for (String[] c : cells) {
      for (int i = 0; i < c.length; i++) {
        w[i] = Math.max(w[i], c[i].length());
      }
    }
    System.out.println();
    for (int k = 0; k < cells.size(); k++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < w.length; i++) {
        sb.append(i == 0 ? "" : " | ").append(String.format("%-" + w[i] + "s", cells.get(k)[i]));
      }
      System.out.println(sb.toString().stripTrailing());
      if (k == 0) {
        System.out.println("-".repeat(sb.length()));
      }
    }
    System.out.println();
    System.out.println("throughput: median [min-max] over rounds; ratio: median [min-max] of per-round platform/raw,\n"
        + "platform and raw rounds alternating (worker rows: workers / in process); start: median / p90 over starts.");
    System.out.println("baselines: raw JS SPSC ring on two bare runtimes (spin, then yield; batched head releases); isolated-vm in Node;\n"
        + "bare V8Runtime; the same components in the host's JVM (worker rows); node -e (hello). Peer rows: the raw ring in\n"
        + "Node (worker_threads, isolated-vm) over a SharedArrayBuffer, run right after the figure's rounds; their ratio is\n"
        + "platform / peer.");
    for (String n : notes) {
      System.out.println("note: " + n);
    }
  }

  private static void progress(String what) {
    System.out.println("... " + what);
  }

  private static Stats scale(Stats s, double f) {
    return new Stats(s.median() * f, s.p90() * f, s.min() * f, s.max() * f, s.count(), null);
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // Not Linux, or no /proc: the model is only decoration.
    }
    return "?";
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  /** A benchmark script from this module's resources. */
  static String resource(String name) {
    try (InputStream in = Bench.class.getResourceAsStream("/b8g/bench/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource /b8g/bench/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
