package b8g.snapshots;

import b8g.host.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Snapshot and restore figures next to a fresh start of the same component, from one run
 * (snapshots/bench.sh). Not a test: it prints, it asserts nothing. Budgets (ARCHITECTURE.md): snapshot
 * of a running component with 16 MiB of regions at most 30 ms, restore at most 5 ms; a small
 * component's image at most 270 KiB. The "stored" row takes the small case without deflating
 * its context blob, for what deflating costs and saves.
 *
 * <p>Per case, medians of N: a fresh start (Host.launch until the component's main ran), the
 * same snapshottable, a snapshot ({@link Snapshots#write}: pause, copy regions, take the
 * context, continue, write the file with fsync; the pause part and the file part also shown),
 * and a restore ({@link StackImage#open} with every check, then {@link Snapshots#restore} until
 * the component runs again). Each case's snapshot host is closed before the next case starts.
 */
public final class SnapshotBench {
  private SnapshotBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path dir = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir")), "b8g-bench");
    System.out.printf(Locale.ROOT, "b8g snapshot bench: median of %d, images in %s (fsync'd)%n%n", n, dir);
    System.out.printf(Locale.ROOT, "%-14s %12s %12s | %12s %10s %10s | %12s %10s %10s | %12s%n",
        "case", "fresh start", "fresh+snap", "snapshot", "(paused)", "(write)", "restore", "(open)", "(launch)", "image size");
    List<String> rows = new ArrayList<>();
    rows.add(run("small", dir, n, 0, Snapshots.CONTEXT_DEFLATE_LEVEL));
    rows.add(run("small, stored", dir, n, 0, 0));
    rows.add(run("16 MiB region", dir, n, 16 << 20, Snapshots.CONTEXT_DEFLATE_LEVEL));
    System.out.println();
    System.out.println("context blobs deflated at level " + Snapshots.CONTEXT_DEFLATE_LEVEL + " (\"stored\": not deflated)");
    System.out.println("budgets: snapshot <= 30 ms, restore <= 5 ms (16 MiB of regions); small image <= 270 KiB");
    try (var s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
    System.exit(0);
  }

  private static String run(String name, Path dir, int n, int regionBytes, int deflateLevel) throws Exception {
    Path caseDir = Files.createDirectory(dir.resolve(name.replace(", ", "-").replace(' ', '-')));
    Files.writeString(caseDir.resolve("c.js"), """
        async function main(env) {
          if (env.mem) new Uint8Array(env.mem.buffer).fill(7);
          await new Promise((r) => setTimeout(r, 1e9));
        }""");
    String manifest = "components { name: \"c\" script: \"c.js\" }\n";
    if (regionBytes > 0) {
      manifest += "regions { name: \"mem\" size: " + regionBytes + " backing: ANONYMOUS }\n"
          + "grants { component: \"c\" region: \"mem\" rights: READ rights: WRITE }\n";
    }
    Path m = Files.writeString(caseDir.resolve("m.txtpb"), manifest);
    int warm = 2;

    double[] fresh = new double[n];
    double[] freshSnap = new double[n];
    for (int i = -warm; i < n; i++) {
      double a = start(new Host.Context().manifest(m));
      double b = start(new Host.Context().manifest(m).snapshots(true));
      if (i >= 0) {
        fresh[i] = a;
        freshSnap[i] = b;
      }
    }

    double[] snap = new double[n];
    double[] paused = new double[n];
    double[] write = new double[n];
    Path image = null;
    try (Host h = Host.launch(new Host.Context().manifest(m).snapshots(true).log(l -> {}))) {
      h.component("c").awaitStarted(Duration.ofSeconds(30));
      for (int i = -warm; i < n; i++) {
        Path f = caseDir.resolve("img" + (i + warm) + ".b8gi");
        long t0 = System.nanoTime();
        Snapshots.ImageSummary s = Snapshots.write(h, f, Duration.ofSeconds(10), null, deflateLevel);
        long t1 = System.nanoTime();
        if (i >= 0) {
          snap[i] = (t1 - t0) / 1e6;
          paused[i] = s.pausedMicros() / 1e3;
          write[i] = s.writeMicros() / 1e3;
        }
        image = f;
      }
    }

    double[] restore = new double[n];
    double[] open = new double[n];
    double[] launch = new double[n];
    for (int i = -warm; i < n; i++) {
      long t0 = System.nanoTime();
      StackImage img = StackImage.open(image, Snapshots.compatibility());
      long t1 = System.nanoTime();
      try (Host h = Snapshots.restore(img, new Host.Context().manifest(m).log(l -> {}))) {
        h.component("c").awaitStarted(Duration.ofSeconds(30));
        long t2 = System.nanoTime();
        if (i >= 0) {
          restore[i] = (t2 - t0) / 1e6;
          open[i] = (t1 - t0) / 1e6;
          launch[i] = (t2 - t1) / 1e6;
        }
      }
    }
    String row = String.format(Locale.ROOT, "%-14s %9.2f ms %9.2f ms | %9.2f ms %7.2f ms %7.2f ms | %9.2f ms %7.2f ms %7.2f ms | %9.1f KiB",
        name, median(fresh), median(freshSnap), median(snap), median(paused), median(write),
        median(restore), median(open), median(launch), Files.size(image) / 1024.0);
    System.out.println(row);
    return row;
  }

  /** Host.launch until the component's main has run, in ms; the host is closed afterwards. */
  private static double start(Host.Context ctx) throws InterruptedException {
    long t0 = System.nanoTime();
    try (Host h = Host.launch(ctx.log(l -> {}))) {
      h.component("c").awaitStarted(Duration.ofSeconds(30));
      return (System.nanoTime() - t0) / 1e6;
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
