package b8g.bench;

import b8g.components.Component;
import com.caoccao.javet.interop.V8Runtime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Component start on a warm host, against bare runtime creation and isolated-vm in Node. */
final class StartBench {
  private static final Duration LONG = Duration.ofSeconds(30);
  static final String EMPTY_MAIN = "function main(env) {}";

  private StartBench() {}

  /**
   * Milliseconds from Component.start to started, and to exited (isolate closed); and, alternating
   * with each start so load changes hit both alike, a bare createV8Runtime + trivial script +
   * close. Returns {started, exited, bare}.
   */
  static Stats[] platform(int warmup, int n, boolean pooled) throws Exception {
    double[] started = new double[n];
    double[] exited = new double[n];
    double[] bare = new double[n];
    Component.pool(pooled ? 2 : 0);
    for (int i = -warmup; i < n; i++) {
      // Pooled: measure a start from a warm pool (what a host that keeps it topped up sees).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (pooled && Component.pooledIsolates() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      while (!pooled && Component.pooledIsolates() > 0) {
        Component drain = Component.start(new Component.Context().name("drain").script(EMPTY_MAIN, "empty.js"));
        exitCleanly(drain, Watch.bound());
      }
      long t0 = System.nanoTime();
      Component c = Component.start(new Component.Context().name("start-" + i).script(EMPTY_MAIN, "empty.js"));
      if (!c.awaitStarted(LONG)) {
        Watch.terminate("it did not start within " + LONG.toSeconds() + " s", c);
        throw new FigureFailed(c.name() + " (an empty main) did not start within " + LONG.toSeconds() + " s; " + Watch.describe(c));
      }
      long t1 = System.nanoTime();
      exitCleanly(c, LONG);
      long t2 = System.nanoTime();
      long t3 = System.nanoTime();
      try (V8Runtime rt = BareV8.host().createV8Runtime()) {
        rt.getExecutor("function main(env) {} main({});").executeVoid();
      }
      long t4 = System.nanoTime();
      if (i >= 0) {
        started[i] = (t1 - t0) / 1e6;
        exited[i] = (t2 - t0) / 1e6;
        bare[i] = (t4 - t3) / 1e6;
      }
    }
    return new Stats[] {Stats.of(started), Stats.of(exited), Stats.of(bare)};
  }

  /**
   * Milliseconds from Component.start to main ran, with counters (a block of {@code counters} per
   * start) and without, alternating start by start, no pool. Returns {with, without}.
   */
  static Stats[] counters(int warmup, int n, b8g.memory.counters.CountersFile counters) throws Exception {
    double[] on = new double[n];
    double[] off = new double[n];
    Component.pool(0);
    for (int i = -warmup; i < n; i++) {
      for (int k = 0; k < 2; k++) {
        boolean with = (i + k) % 2 == 0;
        Component.Context ctx = new Component.Context().name("start-" + i + "-" + k).script(EMPTY_MAIN, "empty.js");
        int record = -1;
        if (with) {
          record = counters.allocate(b8g.memory.counters.CounterType.COMPONENT, "start-" + i, "");
          ctx.counters(counters.block(record));
        }
        long t0 = System.nanoTime();
        Component c = Component.start(ctx);
        if (!c.awaitStarted(LONG)) {
          Watch.terminate("it did not start within " + LONG.toSeconds() + " s", c);
          throw new FigureFailed(c.name() + " did not start within " + LONG.toSeconds() + " s; " + Watch.describe(c));
        }
        long t1 = System.nanoTime();
        exitCleanly(c, LONG);
        if (record >= 0) {
          counters.reclaim(record);
        }
        if (i >= 0) {
          (with ? on : off)[i] = (t1 - t0) / 1e6;
        }
      }
    }
    return new Stats[] {Stats.of(on), Stats.of(off)};
  }

  /**
   * Waits, bounded, for a component with an empty main to end; fails with its reason if it did not
   * end cleanly, and terminates it if it did not end in time.
   */
  private static void exitCleanly(Component c, Duration bound) throws InterruptedException {
    Component.ExitStatus s = c.awaitExit(bound);
    if (s == null) {
      Watch.terminate("it did not end within " + bound.toSeconds() + " s", c);
      throw new FigureFailed(c.name() + " (an empty main) did not end within " + bound.toSeconds() + " s; " + Watch.describe(c));
    }
    if (!s.success()) {
      throw new FigureFailed(c.name() + " (an empty main) did not end cleanly: " + Watch.describe(c));
    }
  }

  /** Milliseconds for createV8Runtime, then (if boot is not null) executing boot, then close. */
  static Stats raw(int warmup, int n, String boot) throws Exception {
    double[] ms = new double[n];
    for (int i = -warmup; i < n; i++) {
      long t0 = System.nanoTime();
      try (V8Runtime rt = BareV8.host().createV8Runtime()) {
        if (boot != null) {
          rt.getExecutor(boot).executeVoid();
        }
      }
      long t1 = System.nanoTime();
      if (i >= 0) {
        ms[i] = (t1 - t0) / 1e6;
      }
    }
    return Stats.of(ms);
  }

  /** The platform's boot script, exactly as every component's isolate evaluates it. */
  static String platformBootScript() {
    return b8g.components.BootScript.text();
  }

  /** Milliseconds to start a platform thread that creates and closes a runtime, joined. */
  static Stats rawOnNewThread(int warmup, int n) throws Exception {
    double[] ms = new double[n];
    for (int i = -warmup; i < n; i++) {
      long t0 = System.nanoTime();
      Thread t = new Thread(() -> {
        try (V8Runtime rt = BareV8.host().createV8Runtime()) {
          rt.getExecutor("1").executeVoid();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      t.start();
      t.join();
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return Stats.of(ms);
  }

  /** isolated-vm's figures from a Node subprocess, or a reason why there are none. */
  record Ivm(Stats async, Stats asyncDispose, Stats sync, Stats syncDispose, String node, String note) {
    /** The two runs' samples pooled (one before, one after the platform's starts). */
    Ivm pool(Ivm other) {
      if (async == null || other.async == null) {
        return async == null ? this : other;
      }
      return new Ivm(merge(async, other.async), merge(asyncDispose, other.asyncDispose), merge(sync, other.sync),
          merge(syncDispose, other.syncDispose), node, note);
    }

    private static Stats merge(Stats a, Stats b) {
      double[] xs = new double[a.samples().length + b.samples().length];
      System.arraycopy(a.samples(), 0, xs, 0, a.samples().length);
      System.arraycopy(b.samples(), 0, xs, a.samples().length, b.samples().length);
      return Stats.of(xs);
    }
  }

  static Ivm isolatedVm(Path moduleDir, int warmup, int n) {
    if (moduleDir == null || !Files.isDirectory(moduleDir)) {
      return new Ivm(null, null, null, null, null, "isolated-vm not installed at " + moduleDir + " (run bench/run.sh, or pass -Db8g.bench.ivm=<dir>/node_modules/isolated-vm)");
    }
    Path script = null;
    Path output = null;
    try {
      script = Files.createTempFile("b8g-ivm-start", ".js");
      output = Files.createTempFile("b8g-ivm-start", ".out");
      Files.writeString(script, Bench.resource("ivm-start.js"));
      Process p = new ProcessBuilder("node", script.toString(), moduleDir.toAbsolutePath().toString(), Integer.toString(n), Integer.toString(warmup))
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      Duration bound = Watch.bound();
      boolean done = p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly();
        p.waitFor(Watch.GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
      String out = Files.readString(output);
      if (!done || p.exitValue() != 0) {
        return new Ivm(null, null, null, null, null, "isolated-vm run failed"
            + (done ? " (exit " + p.exitValue() + ")" : " (no end within " + bound.toSeconds() + " s)") + ": " + out.strip());
      }
      return new Ivm(stats(out, "async"), stats(out, "asyncDispose"), stats(out, "sync"), stats(out, "syncDispose"), field(out), null);
    } catch (IOException | InterruptedException | RuntimeException e) {
      return new Ivm(null, null, null, null, null, "isolated-vm run failed: " + e);
    } finally {
      for (Path f : new Path[] {script, output}) {
        try {
          if (f != null) {
            Files.deleteIfExists(f);
          }
        } catch (IOException e) {
          // a temp file left behind
        }
      }
    }
  }

  private static String field(String json) {
    Matcher m = Pattern.compile("\"node\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : "?";
  }

  private static Stats stats(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\\[([^\\]]*)\\]").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + key + " in isolated-vm output: " + json);
    }
    String[] parts = m.group(1).split(",");
    double[] xs = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      xs[i] = Double.parseDouble(parts[i]);
    }
    return Stats.of(xs);
  }
}
