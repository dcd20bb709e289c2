package b8g.bench;

import b8g.components.Component;
import b8g.components.Limits;
import b8g.host.worker.RemoteComponent;
import b8g.host.worker.WorkerComponents;
import b8g.host.worker.WorkerPool;
import b8g.host.worker.WorkerProcess;
import java.time.Duration;
import java.util.List;

/**
 * Worker starts, each against the same component started in this process, alternating start by
 * start so load changes hit both alike.
 *
 * <ul>
 *   <li>cold: a worker process spawned, accepted, given a component whose {@code main} returns at
 *       once, until its end is reported; baseline: in-process start until its end;
 *   <li>warm: a worker taken from a {@link WorkerPool} whose spare is ready ({@link
 *       WorkerPool#awaitSpares}), the component handed to it, until its {@code main} ran
 *       ({@link RemoteComponent#awaitStarted}); baseline: in-process start until {@code main} ran.
 *       As in a host, taking the spare starts its replacement in the background at once (that
 *       JVM boots during the measured start). Then a second component in the same worker (its
 *       JVM has run one already: V8 loaded, its isolate pool topped up), for the breakdown.
 * </ul>
 */
final class WorkerBench {
  private static final String SCRIPT = "async function main(env) {}";
  /**
   * For the starts measured to main: main ends 20 ms later, so that the worker's report that main
   * ran comes before its report of the end (with a main that returns at once the end can come
   * first; the host then takes the late start report as forged and kills the worker).
   */
  private static final String SCRIPT_WARM = "async function main(env) { await new Promise((r) => setTimeout(r, 20)); }";
  private static final RemoteComponent.Listener QUIET = new RemoteComponent.Listener() {
    @Override
    public void log(RemoteComponent c, String level, String text) {}

    @Override
    public void exited(RemoteComponent c, Component.ExitStatus status) {}
  };

  private WorkerBench() {}

  /** [0]: worker spawn -> component ended (ms); [1]: in-process start -> ended (ms). */
  static Stats[] cold(int warmup, int n) throws Exception {
    double[] worker = new double[n];
    double[] inProcess = new double[n];
    for (int i = -warmup; i < n; i++) {
      long t0 = System.nanoTime();
      try (WorkerComponents w = new WorkerComponents(WorkerProcess.start(WorkerProcess.defaultCommand(), Watch.bound()))) {
        RemoteComponent c = w.start("empty", SCRIPT, "empty.js", Limits.DEFAULT, List.of(), QUIET);
        awaitCleanExit(c);
        long t1 = System.nanoTime();
        inProcessToExit("empty-" + i);
        long t2 = System.nanoTime();
        if (i >= 0) {
          worker[i] = (t1 - t0) / 1e6;
          inProcess[i] = (t2 - t1) / 1e6;
        }
      }
    }
    return new Stats[] {Stats.of(worker), Stats.of(inProcess)};
  }

  /**
   * [0]: a start in a warm spare worker -> main ran (ms); [1]: in-process start -> main ran (ms),
   * alternating; [2]: a second start in the same worker -> main ran (ms). One pool (one spare) for
   * all starts; each start takes a new group (so the spare), and its worker is closed after it.
   */
  static Stats[] warm(int warmup, int n) throws Exception {
    double[] spare = new double[n];
    double[] inProcess = new double[n];
    double[] second = new double[n];
    try (WorkerPool pool = new WorkerPool(WorkerProcess.defaultCommand(), 1)) {
      for (int i = -warmup; i < n; i++) {
        if (!pool.awaitSpares(Watch.bound())) {
          throw new FigureFailed("no spare worker was ready within " + Watch.bound().toSeconds() + " s");
        }
        Thread.sleep(200); // the spare's JVM settles, as one that waited a while (its boot's JIT threads quiet down)
        // The baseline first, while no worker boots: taking the spare below starts its replacement.
        double local = inProcessToStarted("warm-" + i);
        long t0 = System.nanoTime();
        WorkerComponents w = pool.forGroup("warm-" + i);
        try {
          RemoteComponent c = w.start("first", SCRIPT_WARM, "short.js", Limits.DEFAULT, List.of(), QUIET);
          awaitStarted(c, "in a spare worker");
          long t1 = System.nanoTime();
          awaitCleanExit(c);
          Thread.sleep(50); // the worker's isolate pool tops itself up after its first start
          long t2 = System.nanoTime();
          RemoteComponent c2 = w.start("second", SCRIPT_WARM, "short.js", Limits.DEFAULT, List.of(), QUIET);
          awaitStarted(c2, "as the second in its worker");
          long t3 = System.nanoTime();
          awaitCleanExit(c2);
          if (i >= 0) {
            spare[i] = (t1 - t0) / 1e6;
            inProcess[i] = local;
            second[i] = (t3 - t2) / 1e6;
          }
        } finally {
          w.close();
        }
      }
    }
    return new Stats[] {Stats.of(spare), Stats.of(inProcess), Stats.of(second)};
  }

  private static void awaitStarted(RemoteComponent c, String where) throws InterruptedException {
    if (!c.awaitStarted(Watch.bound())) {
      Component.ExitStatus st = c.status();
      throw new FigureFailed("the component " + where + " did not start: "
          + (st == null ? "no start within " + Watch.bound().toSeconds() + " s" : "it ended " + st));
    }
  }

  private static void awaitCleanExit(RemoteComponent c) throws InterruptedException {
    Component.ExitStatus st = c.awaitExit(Watch.bound());
    if (st == null || !st.success()) {
      throw new FigureFailed("the component in worker " + c.pid() + " ended "
          + (st == null ? "not within " + Watch.bound().toSeconds() + " s" : st));
    }
  }

  private static void inProcessToExit(String name) throws InterruptedException {
    Component c = Component.start(new Component.Context().name(name).script(SCRIPT, "empty.js"));
    Component.ExitStatus local = c.awaitExit(Watch.bound());
    if (local == null || !local.success()) {
      throw new FigureFailed("the in-process component ended " + local);
    }
  }

  /** Milliseconds from Component.start until its main ran; then waits for its end. */
  private static double inProcessToStarted(String name) throws InterruptedException {
    long t0 = System.nanoTime();
    Component c = Component.start(new Component.Context().name(name).script(SCRIPT_WARM, "short.js"));
    if (!c.awaitStarted(Watch.bound())) {
      throw new FigureFailed("the in-process component did not start: " + Watch.describe(c));
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    Component.ExitStatus local = c.awaitExit(Watch.bound());
    if (local == null || !local.success()) {
      throw new FigureFailed("the in-process component ended " + local);
    }
    return ms;
  }
}
