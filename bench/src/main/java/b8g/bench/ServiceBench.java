package b8g.bench;

import b8g.components.Component;
import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Service calls (issue 11, item 6): a component calling a Java service ({@code Host.Context.service})
 * against a direct Java call, and a component calling another component's service against the
 * same two components ping-ponging over two plain channels (the rings the service rides on, with
 * the channel stubs). Each side runs in its own host, one after the other, in process.
 *
 * <p>Pipelined: batches of {@link #BATCH} calls in flight, {@code Promise.all} per batch.
 * One at a time: each call awaited before the next. Java service latency is taken by the service
 * itself: the time between one call's arrival and the next one's (the whole round trip of a
 * sequential caller), so p50 and p99 are of single calls. Components have only a 0.1 ms clock, so
 * component-to-component latency is the mean of each run of {@link #RUN} sequential calls; p50
 * is the median of those means.
 */
final class ServiceBench {
  static final int BATCH = 512;
  static final int RUN = 200;

  /** Calls per second and microseconds per call. */
  record Result(double javaPipelined, double javaOneAtATime, double javaP50Us, double javaP99Us, double directNs,
      double componentPipelined, double componentP50Us, double channelPipelined, double channelP50Us) {}

  /** The Java service: {@code add} counts, and records arrival times between two {@code mark} calls. */
  public static final class Counter {
    private volatile boolean recording;
    private final long[] arrivals;
    private int n;

    Counter(int capacity) {
      arrivals = new long[capacity];
    }

    public double add(double x) {
      if (recording && n < arrivals.length) {
        arrivals[n++] = System.nanoTime();
      }
      return x + 1;
    }

    public boolean mark() {
      recording = !recording;
      return recording;
    }

    double[] gapsMicros() {
      double[] d = new double[Math.max(0, n - 1)];
      for (int i = 1; i < n; i++) {
        d[i - 1] = (arrivals[i] - arrivals[i - 1]) / 1e3;
      }
      return d;
    }
  }

  private ServiceBench() {}

  static Result run(boolean smoke) throws Exception {
    int pipelined = smoke ? 4_096 : 1_000_000;
    int sequential = smoke ? 400 : 50_000;
    Path dir = Files.createTempDirectory("b8g-bench-services-");
    List<String> lines = Collections.synchronizedList(new ArrayList<>());

    // ---- a Java service ----
    Files.writeString(dir.resolve("java-client.js"), """
        async function main(env) {
          const o = env.orders, N = %d, B = %d, S = %d;
          console.log('step warm-up');
          for (let i = 0; i < 5000; i++) await o.add(i);
          for (let k = 0; k < 20; k++) { const ps = []; for (let i = 0; i < B; i++) ps.push(o.add(i)); await Promise.all(ps); }
          console.log('step pipelined');
          let t0 = performance.now();
          for (let done = 0; done < N; done += B) { const ps = []; for (let i = 0; i < B; i++) ps.push(o.add(i)); await Promise.all(ps); }
          const pipe = N / ((performance.now() - t0) / 1000);
          await o.mark();
          console.log('step one at a time');
          t0 = performance.now();
          for (let i = 0; i < S; i++) await o.add(i);
          const one = S / ((performance.now() - t0) / 1000);
          await o.mark();
          console.log('java', pipe, one);
        }
        """.formatted(pipelined, BATCH, sequential));
    Path javaManifest = Files.writeString(dir.resolve("java.txtpb"), """
        components { name: "client" script: "java-client.js" limits { cpu_ms_per_turn: 600000 } }
        services { name: "orders" application: true }
        grants { component: "client" service: "orders" }
        grants { component: "client" host: LOG }
        """);
    Counter counter = new Counter(sequential + 2);
    run("a Java service", new Host.Context().manifest(javaManifest).log(lines::add).service("orders", counter), lines);
    double[] java = numbers(lines, "[client] java ");
    double[] gaps = counter.gapsMicros();
    Arrays.sort(gaps);

    // ---- a direct Java call, the baseline ----
    Counter direct = new Counter(0);
    double sink = 0;
    long calls = smoke ? 100_000 : 50_000_000;
    for (int i = 0; i < calls / 10; i++) {
      sink += direct.add(i);
    }
    long t0 = System.nanoTime();
    for (long i = 0; i < calls; i++) {
      sink += direct.add(i);
    }
    double directNs = (System.nanoTime() - t0) / (double) calls;
    if (sink == 42) {
      System.out.print(""); // keeps the loop
    }

    // ---- component to component, and the same pair over two channels ----
    Files.writeString(dir.resolve("server.js"), """
        async function main(env) {
          let stop; const done = new Promise((r) => { stop = r; });
          env.svc.serve({ add(x) { return x + 1; }, stop() { stop(); return true; } });
          await done;
        }
        """);
    String client = """
        async function main(env) {
          const N = %d, B = %d, S = %d, R = %d;
          CALL_SETUP
          console.log('step warm-up');
          for (let i = 0; i < 5000; i++) await call(i);
          for (let k = 0; k < 20; k++) await batch(B);
          console.log('step pipelined');
          let t0 = performance.now();
          for (let done = 0; done < N; done += B) await batch(B);
          const pipe = N / ((performance.now() - t0) / 1000);
          console.log('step one at a time');
          const means = [];
          for (let r = 0; r < S / R; r++) {
            t0 = performance.now();
            for (let i = 0; i < R; i++) await call(i);
            means.push((performance.now() - t0) * 1000 / R);
          }
          means.sort((a, b) => a - b);
          console.log('pair', pipe, means[Math.floor(means.length / 2)]);
          console.log('step stop');
          await stop();
        }
        """.formatted(pipelined, BATCH, sequential, RUN);
    Files.writeString(dir.resolve("service-client.js"), client.replace("CALL_SETUP", """
        const s = env.svc;
        const call = (i) => s.add(i);
        const batch = (n) => { const ps = []; for (let i = 0; i < n; i++) ps.push(s.add(i)); return Promise.all(ps); };
        const stop = () => s.stop();
        """));
    Path serviceManifest = Files.writeString(dir.resolve("service.txtpb"), """
        components { name: "server" script: "server.js" limits { cpu_ms_per_turn: 600000 } }
        components { name: "client" script: "service-client.js" limits { cpu_ms_per_turn: 600000 } }
        services { name: "svc" component: "server" }
        grants { component: "server" service: "svc" }
        grants { component: "client" service: "svc" }
        grants { component: "client" host: LOG }
        """);
    lines.clear();
    run("a component's service", new Host.Context().manifest(serviceManifest).log(lines::add), lines);
    double[] component = numbers(lines, "[client] pair ");

    Files.writeString(dir.resolve("echo.js"), """
        async function main(env) {
          try {
            for await (const m of env.req) { if (m.length === 0) break; const w = env.res.write(m); if (w) await w; }
            env.res.close();
          } catch (e) {
            // The client gone (it failed, or the bench gave up and ended it): nothing to echo to.
            if (e.code !== 'channel.broken') throw e;
            console.log('client gone:', e.message);
          }
        }
        """);
    Files.writeString(dir.resolve("channel-client.js"), client.replace("CALL_SETUP", """
        const w = env.req, r = env.res, msg = new Uint8Array(16);
        const call = async (i) => { const p = w.write(msg); if (p) await p; return r.read(); };
        const batch = async (n) => {
          for (let i = 0; i < n; i++) { const p = w.write(msg); if (p) await p; }
          for (let i = 0; i < n; i++) await r.read();
        };
        const stop = async () => { await w.write(new Uint8Array(0)); };
        """));
    Path channelManifest = Files.writeString(dir.resolve("channel.txtpb"), """
        components { name: "echo" script: "echo.js" limits { cpu_ms_per_turn: 600000 } }
        components { name: "client" script: "channel-client.js" limits { cpu_ms_per_turn: 600000 } }
        channels { name: "req" backing: ANONYMOUS }
        channels { name: "res" backing: ANONYMOUS }
        grants { component: "client" channel: "req" rights: WRITE }
        grants { component: "echo" channel: "req" rights: READ }
        grants { component: "echo" channel: "res" rights: WRITE }
        grants { component: "echo" host: LOG }
        grants { component: "client" channel: "res" rights: READ }
        grants { component: "client" host: LOG }
        """);
    lines.clear();
    run("two channels between the same pair", new Host.Context().manifest(channelManifest).log(lines::add), lines);
    double[] channel = numbers(lines, "[client] pair ");
    return new Result(java[0], java[1], quantile(gaps, 0.5), quantile(gaps, 0.99), directNs, component[0], component[1], channel[0], channel[1]);
  }

  /**
   * Runs one host until its components end, within {@link Watch#bound()}. A failure names the
   * part ({@code what}), the client's last step and how long it had run; when the bound passes,
   * it ends every component still running (the servers first, then the client, each given {@link
   * Watch#GRACE}) before the host closes, so that none of them fails for a peer ended under it.
   * When components failed, the ones that did not merely lose a peer come first: that is the cause.
   */
  private static void run(String what, Host.Context ctx, List<String> lines) throws Exception {
    long t0 = System.nanoTime();
    try (Host h = Host.launch(ctx)) {
      Map<String, ExitStatus> done = h.awaitCompletion(Watch.bound());
      double took = (System.nanoTime() - t0) / 1e9;
      if (done == null) {
        String step = lastStep(lines);
        String states = endAll(h);
        throw new FigureFailed(String.format("%s: timed out, not done within the bound of %d s (-Db8g.bench.timeout; %.1f s after the "
            + "host's launch), in the client's step \"%s\"; %s", what, Watch.bound().toSeconds(), took, step, states));
      }
      List<String> failed = new ArrayList<>();
      List<String> peerGone = new ArrayList<>();
      for (Map.Entry<String, ExitStatus> e : done.entrySet()) {
        if (!e.getValue().success()) {
          String line = e.getKey() + " ended: " + e.getValue();
          // "channel res is broken", "service svc is broken": the peer ended first.
          (String.valueOf(e.getValue().reason()).contains(" is broken: ") ? peerGone : failed).add(line);
        }
      }
      if (!failed.isEmpty() || !peerGone.isEmpty() || h.deadlock() != null) {
        synchronized (lines) {
          for (String l : lines) {
            if (l.contains("client gone:")) {
              peerGone.add(l);
            }
          }
        }
        failed.addAll(peerGone);
        throw new FigureFailed(String.format("%s: failed after %.1f s in the client's step \"%s\": %s%s", what, took, lastStep(lines),
            h.deadlock() == null ? "" : "deadlock: " + h.deadlock() + "; ", String.join("; ", failed)));
      }
    }
  }

  /** The last "step ..." line a client logged, or "(none yet)". */
  private static String lastStep(List<String> lines) {
    String step = "(none yet)";
    synchronized (lines) {
      for (String l : lines) {
        int at = l.indexOf("] step ");
        if (at >= 0) {
          step = l.substring(at + "] step ".length());
        }
      }
    }
    return step;
  }

  /**
   * Ends every component of {@code h} still running: everything but the client first (servers and
   * the echo wait on it), then the client; each is given {@link Watch#GRACE}. Says how each stood.
   */
  private static String endAll(Host h) throws InterruptedException {
    List<String> out = new ArrayList<>();
    List<Component> order = new ArrayList<>();
    for (String name : new String[] {"server", "echo", "client"}) {
      Component c = h.component(name);
      if (c != null) {
        order.add(c);
      }
    }
    for (Component c : order) {
      out.add(Watch.describe(c));
    }
    for (Component c : order) {
      if (c.status() == null) {
        c.terminate("the service bench gave up waiting");
        if (c.awaitExit(Watch.GRACE) == null) {
          out.add(c.name() + " did not end within " + Watch.GRACE.toSeconds() + " s of being terminated");
        }
      }
    }
    return String.join("; ", out);
  }

  private static double[] numbers(List<String> lines, String prefix) {
    for (String l : lines) {
      if (l.startsWith(prefix)) {
        return Arrays.stream(l.substring(prefix.length()).trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
      }
    }
    throw new FigureFailed("no line \"" + prefix + "...\" in " + lines);
  }

  private static double quantile(double[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }

}
