package b8g.bench;

import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import com.caoccao.javet.interop.V8Host;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.options.V8RuntimeOptions;
import com.caoccao.javet.values.reference.V8Script;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueGlobalObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Bottleneck experiments behind the figures of {@link Bench} (run: {@code B8G_BENCH_MAIN=b8g.bench.Experiments
 * bench/run.sh}):
 *
 * <ol>
 *   <li>start: where a component's start time goes (bare runtime, prelude evaluation, prelude with
 *       V8's code cache, runtime from a snapshot blob that already holds the prelude);
 *   <li>channel CPU cost per message in one isolate on one thread, free of scheduling noise:
 *       platform stubs, ring.js alone, a raw ring, and the stubs with candidate fixes applied.
 * </ol>
 */
public final class Experiments {
  private Experiments() {}

  public static void main(String[] args) throws Exception {
    System.out.printf("experiments: %d cores, load average %s%n", Runtime.getRuntime().availableProcessors(),
        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
    if (!"channel".equals(System.getProperty("b8g.bench.only"))) {
      start();
    }
    if (!"start".equals(System.getProperty("b8g.bench.only"))) {
      channel();
    }
    System.exit(0);
  }

  // ---- start ------------------------------------------------------------------------------------

  private static void start() throws Exception {
    String boot = StartBench.platformBootScript();
    int warm = 30;
    int n = 200;
    byte[] cache;
    try (V8Runtime rt = V8Host.getV8Instance().createV8Runtime();
         V8Script s = rt.getExecutor(boot).setResourceName("b8g:prelude").compileV8Script(true)) {
      cache = s.getCachedData();
    }
    V8RuntimeOptions snapOptions = new V8RuntimeOptions();
    snapOptions.setCreateSnapshotEnabled(true);
    byte[] blob;
    try (V8Runtime rt = V8Host.getV8Instance().createV8Runtime(snapOptions)) {
      rt.getExecutor(boot).executeVoid();
      rt.lowMemoryNotification();
      blob = rt.createSnapshot();
    }
    V8RuntimeOptions fromBlob = new V8RuntimeOptions();
    fromBlob.setSnapshotBlob(blob);
    System.out.printf("%nstart breakdown (ms, median / p90 of %d after %d warm-up); code cache %d KiB, snapshot blob %d KiB%n",
        n, warm, cache == null ? 0 : cache.length >> 10, blob.length >> 10);
    report("bare createV8Runtime + close", time(warm, n, () -> {
      try (V8Runtime rt = V8Host.getV8Instance().createV8Runtime()) {
        rt.getExecutor("1").executeVoid();
      }
    }));
    report("+ prelude evaluated (what Component does)", time(warm, n, () -> {
      try (V8Runtime rt = V8Host.getV8Instance().createV8Runtime()) {
        rt.getExecutor(boot).setResourceName("b8g:prelude").executeVoid();
      }
    }));
    report("+ prelude evaluated with V8 code cache", time(warm, n, () -> {
      try (V8Runtime rt = V8Host.getV8Instance().createV8Runtime()) {
        rt.getExecutor(boot, cache).setResourceName("b8g:prelude").executeVoid();
      }
    }));
    report("runtime from snapshot blob with prelude, + close", time(warm, n, () -> {
      try (V8Runtime rt = V8Host.getV8Instance().createV8Runtime(fromBlob)) {
        rt.getExecutor("typeof __b8g").executeVoid();
      }
    }));
  }

  interface Body {
    void run() throws Exception;
  }

  private static Stats time(int warm, int n, Body body) throws Exception {
    double[] ms = new double[n];
    for (int i = -warm; i < n; i++) {
      long t0 = System.nanoTime();
      body.run();
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return Stats.of(ms);
  }

  private static void report(String what, Stats s) {
    System.out.printf("  %-52s %s%n", what, s.medianP90("%.2f"));
  }

  // ---- channel CPU cost -------------------------------------------------------------------------

  private static final String NO_ALLOC_FIX = "        if (msg instanceof Uint8ArrayCtor) return offer(msg, ring.TYPE.BYTES);\n";

  private static void channel() throws Exception {
    String boot = StartBench.platformBootScript();
    String tryWrite = "        const e = encode(msg);\n        return offer(e[0], e[1]);";
    if (!boot.contains(tryWrite)) {
      System.out.println("(prelude changed: the tryWrite patch no longer applies)");
    }
    String patched = boot.replace(tryWrite, NO_ALLOC_FIX + tryWrite);
    System.out.printf("%nchannel CPU cost, one isolate, one thread, write a batch then read it (ns per message, median [min-max] of 5)%n");
    List<String[]> variants = new ArrayList<>();
    variants.add(new String[] {"platform stubs tryWrite/tryRead", boot, "stubLoop", "0"});
    variants.add(new String[] {"platform stubs, tryWrite without [bytes,type] alloc", patched, "stubLoop", "0"});
    variants.add(new String[] {"ring.js offer/poll, no stubs", boot, "ringLoop", "0"});
    variants.add(new String[] {"raw ring offer/take (copy out)", boot, "rawLoop", "0"});
    variants.add(new String[] {"platform stubs tryWrite/readInPlace", boot, "stubLoop", "1"});
    variants.add(new String[] {"ring.js offer/peek/release", boot, "ringLoop", "1"});
    variants.add(new String[] {"raw ring offer/view (in place)", boot, "rawLoop", "1"});
    for (int size : new int[] {64, 65536}) {
      for (String[] v : variants) {
        if (size == 64 && v[3].equals("1")) {
          continue;
        }
        Stats s = perMessage(v[1], v[2], size, v[3].equals("1"));
        double gib = size / s.median(); // bytes per ns = GB/s
        System.out.printf("  %6d B  %-52s %s ns  (%.1f M msg/s, %.2f GiB/s one thread)%n", size, v[0], s.range("%.1f"),
            1e3 / s.median(), gib * 1e9 / (1L << 30));
      }
    }
  }

  private static Stats perMessage(String boot, String loop, int size, boolean inPlace) throws Exception {
    try (Region region = Region.anonymous("exp", ChannelBench.CAPACITY + RingDescriptor.TRAILER_LENGTH);
         V8Runtime rt = V8Host.getV8Instance().createV8Runtime()) {
      Ring.create(region);
      rt.getExecutor(boot).executeVoid();
      // ring.js again, as a value the harness can use directly.
      String ringJs = new String(Experiments.class.getResourceAsStream("/b8g/memory/ring.js").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      rt.getExecutor("globalThis.R2 = " + ringJs + ";").executeVoid();
      rt.getExecutor(Bench.resource("exp-harness.js")).setResourceName("exp-harness.js").executeVoid();
      try (V8ValueArrayBuffer ab = rt.createV8ValueArrayBuffer(region.byteBuffer());
           V8ValueGlobalObject g = rt.getGlobalObject()) {
        switch (loop) {
          case "stubLoop" -> g.invokeVoid("setupStubs", ab);
          case "ringLoop" -> g.invokeVoid("setupRing", ab);
          default -> g.invokeVoid("setupRaw", ab);
        }
        long total = size >= 4096 ? 100_000 : 5_000_000;
        g.invokeVoid(loop, size, (double) total / 5, inPlace); // warm-up
        double[] ns = new double[5];
        for (int i = 0; i < ns.length; i++) {
          long t0 = System.nanoTime();
          g.invokeVoid(loop, size, (double) total, inPlace);
          ns[i] = (System.nanoTime() - t0) / (double) total;
        }
        return Stats.of(ns);
      }
    }
  }
}
