package b8g.bench;

import b8g.components.BootScript;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import b8g.memory.RingScript;
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
 *       V8's code cache, making the startup blob, a runtime from it, with the prelude's first
 *       attach), and the heap each holds;
 *   <li>channel CPU cost per message in one isolate on one thread, free of scheduling noise (thread CPU time):
 *       platform stubs, ring.js alone, and a raw ring.
 * </ol>
 */
public final class Experiments {
  private Experiments() {}

  /** {@code -Db8g.bench.smoke=true}: every experiment once with tiny rounds (CI checks they still run). */
  private static final boolean SMOKE = Boolean.getBoolean("b8g.bench.smoke");

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
    int warm = SMOKE ? 1 : 30;
    int n = SMOKE ? 3 : 200;
    byte[] cache;
    try (V8Runtime rt = BareV8.host().createV8Runtime();
         V8Script s = rt.getExecutor(boot).setResourceName("b8g:prelude").compileV8Script(true)) {
      cache = s.getCachedData();
    }
    // The startup blob as the platform makes it (components' Engine.startupBlob): a snapshot-enabled
    // isolate on a thread of its own (V8 enters it on that thread until it is closed).
    double[] making = new double[3];
    byte[] blob = null;
    for (int i = 0; i < making.length; i++) {
      long t0 = System.nanoTime();
      blob = makeStartupBlob(boot);
      making[i] = (System.nanoTime() - t0) / 1e6;
    }
    V8RuntimeOptions fromBlob = new V8RuntimeOptions();
    fromBlob.setSnapshotBlob(blob);
    int attachCode;
    try (V8Runtime rt = BareV8.host().createV8Runtime()) {
      attachCode = rt.getExecutor(BootScript.protocol() + "\nTO_GUEST_ATTACH").executeInteger();
    }
    String attach = "{ const e = __b8g; delete globalThis.__b8g; e(" + attachCode + ", function () {}); }";
    System.out.printf("%nstart breakdown (ms, median / p90 of %d after %d warm-up); code cache %d KiB, snapshot blob %d KiB%n",
        n, warm, cache == null ? 0 : cache.length >> 10, blob.length >> 10);
    report("bare createV8Runtime + close", time(warm, n, () -> {
      try (V8Runtime rt = BareV8.host().createV8Runtime()) {
        rt.getExecutor("1").executeVoid();
      }
    }));
    report("+ prelude evaluated (what Component does)", time(warm, n, () -> {
      try (V8Runtime rt = BareV8.host().createV8Runtime()) {
        rt.getExecutor(boot).setResourceName("b8g:prelude").executeVoid();
      }
    }));
    report("+ prelude evaluated with V8 code cache", time(warm, n, () -> {
      try (V8Runtime rt = BareV8.host().createV8Runtime()) {
        rt.getExecutor(boot, cache).setResourceName("b8g:prelude").executeVoid();
      }
    }));
    report("startup blob made (snapshot-enabled isolate, eval, snapshot)", Stats.of(making));
    report("runtime from startup blob, + close", time(warm, n, () -> {
      try (V8Runtime rt = BareV8.host().createV8Runtime(fromBlob)) {
        rt.getExecutor("typeof __b8g").executeVoid();
      }
    }));
    report("runtime from startup blob + first attach, + close", time(warm, n, () -> {
      try (V8Runtime rt = BareV8.host().createV8Runtime(fromBlob)) {
        rt.getExecutor(attach).executeVoid();
      }
    }));
    try (V8Runtime rt = BareV8.host().createV8Runtime()) {
      System.out.printf("  heap used, bare isolate %d KiB", rt.getV8HeapStatistics().getNow(null).getUsedHeapSize() >> 10);
    }
    try (V8Runtime rt = BareV8.host().createV8Runtime(fromBlob)) {
      rt.getExecutor(attach).executeVoid();
      System.out.printf("; from the startup blob, attached %d KiB", rt.getV8HeapStatistics().getNow(null).getUsedHeapSize() >> 10);
    }
    try (V8Runtime rt = BareV8.host().createV8Runtime()) {
      rt.getExecutor(boot, cache).executeVoid();
      System.out.printf("; prelude evaluated %d KiB%n", rt.getV8HeapStatistics().getNow(null).getUsedHeapSize() >> 10);
    }
  }

  private static byte[] makeStartupBlob(String boot) throws Exception {
    java.util.concurrent.CompletableFuture<byte[]> f = new java.util.concurrent.CompletableFuture<>();
    Thread t = new Thread(() -> {
      V8RuntimeOptions options = new V8RuntimeOptions();
      options.setCreateSnapshotEnabled(true);
      try (V8Runtime rt = BareV8.host().createV8Runtime(options)) {
        rt.getExecutor(boot).setResourceName("b8g:prelude").executeVoid();
        f.complete(rt.createSnapshot());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "startup-blob");
    t.start();
    return f.get();
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

  private static void channel() throws Exception {
    String boot = StartBench.platformBootScript();
    int reps = SMOKE ? 1 : 9;
    System.out.printf("%nchannel CPU cost, one isolate, one thread, write a batch then read it (ns of thread CPU time per"
        + " message, median [min-max] of %d, variants interleaved)%n", reps);
    for (int size : new int[] {64, 65536}) {
      List<Variant> vs = new ArrayList<>();
      vs.add(new Variant("platform stubs tryWrite/tryRead", boot, "stubLoop", false));
      vs.add(new Variant("ring.js offer/poll, no stubs", boot, "ringLoop", false));
      vs.add(new Variant("raw ring offer/take (copy out)", boot, "rawLoop", false));
      vs.add(new Variant("platform stubs tryWrite/readInPlace", boot, "stubLoop", true));
      vs.add(new Variant("ring.js offer/peek/release", boot, "ringLoop", true));
      vs.add(new Variant("raw ring offer/view (in place)", boot, "rawLoop", true));
      long total = SMOKE ? (size >= 4096 ? 500 : 20_000) : size >= 4096 ? 50_000 : 2_000_000;
      for (Variant v : vs) {
        v.open(size);
        v.run(size, total / 5);
      }
      double[][] ns = new double[vs.size()][reps];
      for (int r = 0; r < reps; r++) {
        for (int k = 0; k < vs.size(); k++) {
          ns[k][r] = vs.get(k).run(size, total);
        }
      }
      for (int k = 0; k < vs.size(); k++) {
        Stats s = Stats.of(ns[k]);
        System.out.printf("  %6d B  %-52s %s ns  (%.1f M msg/s, %.2f GiB/s one thread)%n", size, vs.get(k).name, s.range("%.1f"),
            1e3 / s.median(), size / s.median() * 1e9 / (1L << 30));
        vs.get(k).close();
      }
    }
  }

  private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

  /** One code path in its own runtime over its own ring. */
  private static final class Variant {
    final String name;
    final String boot;
    final String loop;
    final boolean inPlace;
    Region region;
    V8Runtime rt;
    V8ValueGlobalObject g;

    Variant(String name, String boot, String loop, boolean inPlace) {
      this.name = name;
      this.boot = boot;
      this.loop = loop;
      this.inPlace = inPlace;
    }

    void open(int size) throws Exception {
      region = Region.anonymous("exp", ChannelBench.CAPACITY + RingDescriptor.TRAILER_LENGTH);
      Ring.create(region);
      rt = BareV8.host().createV8Runtime();
      rt.getExecutor(boot).executeVoid();
      rt.getExecutor("globalThis.R2 = " + RingScript.source() + ";").executeVoid();
      rt.getExecutor(BootScript.protocol()).setResourceName("b8g:protocol").executeVoid();
      rt.getExecutor(Bench.resource("exp-harness.js")).setResourceName("exp-harness.js").executeVoid();
      g = rt.getGlobalObject();
      try (V8ValueArrayBuffer ab = rt.createV8ValueArrayBuffer(region.byteBuffer())) {
        switch (loop) {
          case "stubLoop" -> g.invokeVoid("setupStubs", ab);
          case "ringLoop" -> g.invokeVoid("setupRing", ab);
          default -> g.invokeVoid("setupRaw", ab);
        }
      }
    }

    /**
     * Nanoseconds of this thread's CPU time per message over {@code total} messages: on a shared,
     * oversubscribed machine wall time mostly measures the other processes.
     */
    double run(int size, long total) throws Exception {
      long t0 = CPU.getCurrentThreadCpuTime();
      g.invokeVoid(loop, size, (double) total, inPlace);
      return (CPU.getCurrentThreadCpuTime() - t0) / (double) total;
    }

    void close() throws Exception {
      g.close();
      rt.close();
      region.close();
    }
  }
}
