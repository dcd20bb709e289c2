package b8g.bench;

import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The platform's performance figures next to their baselines, all measured in one run, as a table
 * (figure, platform, baseline, ratio, budget, verdict). Budgets are DESIGN.md's "Performance
 * budgets". Run with {@code bench/run.sh}; options as system properties:
 *
 * <ul>
 *   <li>{@code b8g.bench.rounds} (5): measured rounds per channel figure, each about
 *       {@code b8g.bench.seconds} (1.2) long, after a calibration and a warm-up round;
 *   <li>{@code b8g.bench.starts} (200): component starts measured (after 30 warm-up starts);
 *   <li>{@code b8g.bench.idle} (200,1000): idle component counts;
 *   <li>{@code b8g.bench.ivm}: directory of the isolated-vm Node module (the baseline for start);
 *       without it that baseline is skipped with a note;
 *   <li>{@code b8g.bench.only}: comma list of channel,start,idle to run a subset;
 *   <li>{@code b8g.bench.spin} (200): the spin-then-await experiment rows (0 leaves them out).
 * </ul>
 *
 * <p>Numbers are "median [min-max]" over rounds (throughput) or "median / p90" over starts.
 */
public final class Bench {
  private record Row(String figure, String platform, String baseline, String ratio, String budget, String verdict) {}

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private Bench() {}

  public static void main(String[] args) throws Exception {
    new Bench().run();
    // Component threads and the scheduler are daemons; exit even if a benchmark left one behind.
    System.exit(0);
  }

  private void run() throws Exception {
    int rounds = Integer.getInteger("b8g.bench.rounds", 5);
    double seconds = Double.parseDouble(System.getProperty("b8g.bench.seconds", "1.2"));
    int starts = Integer.getInteger("b8g.bench.starts", 200);
    String only = System.getProperty("b8g.bench.only", "channel,start,idle");
    String ivm = System.getProperty("b8g.bench.ivm");

    long t0 = System.nanoTime();
    String v8;
    try (V8Runtime rt = V8Host.getV8Instance().createV8Runtime()) {
      v8 = rt.getVersion();
    }
    System.out.printf("b8g bench: %d cores (%s), %s %s (%s), V8 %s, Javet 5.0.6, max heap %d MiB%n",
        Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), System.getProperty("os.arch"), v8,
        Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf("first runtime in the process (native library load): %.0f ms; load average %s%n",
        (System.nanoTime() - t0) / 1e6, loadAverage());
    System.out.printf("channels: %d KiB rings, %d measured rounds of ~%.1f s each after calibration + warm-up%n%n",
        ChannelBench.CAPACITY >> 10, rounds, seconds);

    if (only.contains("channel")) {
      channels(rounds, seconds);
    }
    if (only.contains("start")) {
      starts(starts, ivm == null ? null : Path.of(ivm));
    }
    if (only.contains("idle")) {
      for (String s : System.getProperty("b8g.bench.idle", "200,1000").split(",")) {
        idle(Integer.parseInt(s.strip()));
      }
    }
    print();
    System.out.printf("%ntotal %.0f s; load average at the end %s%n", (System.nanoTime() - t0) / 1e9, loadAverage());
  }

  // ---- channels ---------------------------------------------------------------------------------

  private void channels(int rounds, double seconds) throws Exception {
    int spin = Integer.getInteger("b8g.bench.spin", 200);
    progress("channel 64 KiB copy in/out: platform and raw ring, alternating rounds");
    ChannelBench.Pair c64k = ChannelBench.measure(new ChannelBench.Platform(65536, "copy", 0),
        new ChannelBench.Raw(65536, "copy"), 65536, 20_000, seconds, rounds);
    Stats p = c64k.platform().gibPerSecond();
    Stats b = c64k.baseline().gibPerSecond();
    rows.add(new Row("channel 64 KiB, copy in+out (GiB/s)", p.range("%.2f"), b.range("%.2f"),
        c64k.ratio().range("%.2f"), ">= 0.90 x raw", c64k.ratio().median() >= 0.9 ? "PASS" : "FAIL"));
    waits("64 KiB copy", c64k.platform());

    progress("channel 64 B: platform and raw ring, alternating rounds");
    ChannelBench.Pair c64 = ChannelBench.measure(new ChannelBench.Platform(64, "copy", 0),
        new ChannelBench.Raw(64, "copy"), 64, 2_000_000, seconds, rounds);
    Stats pm = scale(c64.platform().msgsPerSecond(), 1e-6);
    Stats bm = scale(c64.baseline().msgsPerSecond(), 1e-6);
    rows.add(new Row("channel 64 B messages (M msg/s)", pm.range("%.2f"), bm.range("%.2f"),
        c64.ratio().range("%.2f"), ">= 10 M/s", pm.median() >= 10 ? "PASS" : "FAIL"));
    waits("64 B", c64.platform());

    progress("channel 64 KiB read in place: platform and raw ring, alternating rounds");
    ChannelBench.Pair cin = ChannelBench.measure(new ChannelBench.Platform(65536, "inplace", 0),
        new ChannelBench.Raw(65536, "inplace"), 65536, 20_000, seconds, rounds);
    Stats pi = cin.platform().gibPerSecond();
    Stats bi = cin.baseline().gibPerSecond();
    rows.add(new Row("channel 64 KiB, copy in, read in place (GiB/s)", pi.range("%.2f"), bi.range("%.2f"),
        cin.ratio().range("%.2f"), ">= 20 GiB/s", pi.median() >= 20 ? "PASS" : "FAIL"));
    waits("64 KiB in place", cin.platform());

    if (spin > 0) {
      // Experiment: the same loops retrying tryWrite/tryRead/readInPlace `spin` times before
      // awaiting ready(), i.e. spin-then-park at user level instead of parking at once.
      String[][] configs = {{"65536", "copy", "64 KiB copy"}, {"64", "copy", "64 B"}, {"65536", "inplace", "64 KiB in place"}};
      for (String[] c : configs) {
        int size = Integer.parseInt(c[0]);
        progress("channel experiment: " + c[2] + ", spin " + spin + " before await");
        ChannelBench.Pair e = ChannelBench.measure(new ChannelBench.Platform(size, c[1], spin),
            new ChannelBench.Raw(size, c[1]), size, size > 64 ? 20_000 : 2_000_000, seconds, rounds);
        boolean small = size == 64;
        Stats ep = small ? scale(e.platform().msgsPerSecond(), 1e-6) : e.platform().gibPerSecond();
        Stats eb = small ? scale(e.baseline().msgsPerSecond(), 1e-6) : e.baseline().gibPerSecond();
        rows.add(new Row("  experiment: " + c[2] + ", spin " + spin + " then await" + (small ? " (M msg/s)" : " (GiB/s)"),
            ep.range("%.2f"), eb.range("%.2f"), e.ratio().range("%.2f"), "-", "info"));
        waits(c[2] + ", spin " + spin, e.platform());
      }
    }
    notes.add(String.format("channel rounds (msgs, platform / raw): 64 KiB %d / %d, 64 B %d / %d, in place %d / %d",
        c64k.platform().messagesPerRound(), c64k.baseline().messagesPerRound(), c64.platform().messagesPerRound(),
        c64.baseline().messagesPerRound(), cin.platform().messagesPerRound(), cin.baseline().messagesPerRound()));
  }

  private void waits(String what, ChannelBench.Result r) {
    double[] w = r.waitsPerMessage();
    if (w != null) {
      notes.add(String.format("%s: ready() awaits per message: writer %.3f, reader %.3f (each one a park + wake-up through Java, unless ready() resolves at once)", what, w[0], w[1]));
    }
  }

  // ---- start ------------------------------------------------------------------------------------

  private void starts(int n, Path ivmDir) throws Exception {
    int warmup = 30;
    progress("start: isolated-vm (Node subprocess), first half");
    StartBench.Ivm ivm = StartBench.isolatedVm(ivmDir, warmup, n / 2);
    progress("start: components, alternating with bare runtimes");
    Stats[] plat = StartBench.platform(warmup, n, false);
    progress("start: components from a pre-warmed pool");
    Stats[] pooled = StartBench.platform(warmup, n, true);
    progress("start: breakdown (bare runtime, prelude, thread)");
    Stats bare = StartBench.raw(warmup, n, null);
    Stats booted = StartBench.raw(warmup, n, StartBench.platformBootScript());
    Stats thread = StartBench.rawOnNewThread(warmup, n);
    progress("start: isolated-vm (Node subprocess), second half");
    ivm = ivm.pool(StartBench.isolatedVm(ivmDir, warmup, n - n / 2));

    String base = ivm.async() == null ? "n/a" : ivm.async().medianP90("%.2f");
    String ratio = ivm.async() == null ? "n/a" : String.format("%.2f", plat[0].median() / ivm.async().median());
    String verdict = ivm.async() == null ? "n/a" : plat[0].median() <= ivm.async().median() ? "PASS" : "FAIL";
    rows.add(new Row("component start -> main ran (ms)", plat[0].medianP90("%.2f"), base, ratio, "<= isolated-vm", verdict));
    rows.add(new Row("component start from a pre-warmed pool -> main ran (ms)", pooled[0].medianP90("%.2f"), "-", "-", "<= 0.5 ms",
        pooled[0].median() <= 0.5 ? "PASS" : "FAIL"));
    rows.add(new Row("component start -> exited, isolate closed (ms)", plat[1].medianP90("%.2f"),
        ivm.asyncDispose() == null ? "n/a" : ivm.asyncDispose().medianP90("%.2f"),
        ivm.asyncDispose() == null ? "n/a" : String.format("%.2f", plat[1].median() / ivm.asyncDispose().median()), "-", "info"));
    if (ivm.sync() != null) {
      rows.add(new Row("  isolated-vm, sync API: run; +dispose (ms)", "-",
          ivm.sync().medianP90("%.2f") + "; " + ivm.syncDispose().medianP90("%.2f"), "-", "-", "info"));
      notes.add("isolated-vm baseline: Node " + ivm.node() + ", " + ivmDir + "; async API (new Isolate, await createContext, "
          + "compileScript, run) is the baseline; half its starts before, half after the platform's");
    } else {
      notes.add("isolated-vm baseline skipped: " + ivm.note());
    }
    rows.add(new Row("  bare runtime + main() + close, alternating (ms)", "-", plat[2].medianP90("%.2f"),
        String.format("%.2f", plat[0].median() / plat[2].median()), "-", "info"));
    rows.add(new Row("  bare createV8Runtime + close (ms)", "-", bare.medianP90("%.2f"), "-", "-", "info"));
    rows.add(new Row("  bare runtime + platform prelude eval + close (ms)", "-", booted.medianP90("%.2f"), "-", "-", "info"));
    rows.add(new Row("  new thread + runtime + script + close, joined (ms)", "-", thread.medianP90("%.2f"), "-", "-", "info"));
  }

  // ---- idle -------------------------------------------------------------------------------------

  private void idle(int n) throws Exception {
    progress("idle: " + n + " components");
    double plat = IdleBench.platform(n);
    progress("idle: " + n + " bare runtimes");
    double raw = IdleBench.raw(n);
    rows.add(new Row("idle components, N=" + n + " (MiB RSS each)", String.format("%.2f", plat),
        String.format("%.2f", raw), String.format("%.2f", plat / raw), "<= 1.5 MiB", plat <= 1.5 ? "PASS" : "FAIL"));
  }

  // ---- output -----------------------------------------------------------------------------------

  private void print() {
    String[] head = {"figure", "platform", "baseline", "ratio", "budget", "verdict"};
    int[] w = new int[head.length];
    List<String[]> cells = new ArrayList<>();
    cells.add(head);
    for (Row r : rows) {
      cells.add(new String[] {r.figure(), r.platform(), r.baseline(), r.ratio(), r.budget(), r.verdict()});
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
        + "platform and raw rounds alternating; start: median / p90 over starts.");
    System.out.println("baselines: raw JS SPSC ring on two bare runtimes (spin, then yield); isolated-vm in Node; bare V8Runtime.");
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
