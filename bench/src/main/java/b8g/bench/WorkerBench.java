package b8g.bench;

import b8g.components.Component;
import b8g.components.Limits;
import b8g.host.worker.WorkerComponents;
import b8g.host.worker.WorkerProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Worker start: a cold worker process spawned, accepted, given a component whose {@code main}
 * returns at once, until its end is reported; against the same component started in this process,
 * alternating run by run.
 */
final class WorkerBench {
  private static final String SCRIPT = "async function main(env) {}";

  private WorkerBench() {}

  /** [0]: worker spawn -> component ended (ms); [1]: in-process start -> ended (ms). */
  static Stats[] run(int warmup, int n) throws Exception {
    double[] worker = new double[n];
    double[] inProcess = new double[n];
    for (int i = -warmup; i < n; i++) {
      long t0 = System.nanoTime();
      CompletableFuture<Component.ExitStatus> end = new CompletableFuture<>();
      try (WorkerComponents w = new WorkerComponents(WorkerProcess.start(WorkerProcess.defaultCommand(), Watch.bound()),
          new WorkerComponents.Listener() {
            @Override
            public void log(String component, String level, String text) {}

            @Override
            public void exited(String component, Component.ExitStatus status) {
              end.complete(status);
            }
          })) {
        w.start("empty", SCRIPT, "empty.js", Limits.DEFAULT, false);
        Component.ExitStatus st = end.get(Watch.bound().toMillis(), TimeUnit.MILLISECONDS);
        if (!st.success()) {
          throw new FigureFailed("the component in the worker ended " + st);
        }
        long t1 = System.nanoTime();
        Component c = Component.start(new Component.Context().name("empty-" + i).script(SCRIPT, "empty.js"));
        Component.ExitStatus local = c.awaitExit(Duration.ofSeconds(60));
        long t2 = System.nanoTime();
        if (local == null || !local.success()) {
          throw new FigureFailed("the in-process component ended " + local);
        }
        if (i >= 0) {
          worker[i] = (t1 - t0) / 1e6;
          inProcess[i] = (t2 - t1) / 1e6;
        }
      }
    }
    return new Stats[] {Stats.of(worker), Stats.of(inProcess)};
  }
}
