package b8g.bench;

import b8g.components.Component;
import com.caoccao.javet.interop.V8Runtime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Resident memory per idle component, against per bare runtime. */
final class IdleBench {
  private static final Duration LONG = Duration.ofSeconds(60);
  static final String IDLE_MAIN = "function main(env) { return new Promise(() => {}); }";

  private IdleBench() {}

  /** Process RSS in bytes (VmRSS of /proc/self/status). */
  static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }

  /** MiB of RSS per idle component, N started and waiting; all are terminated afterwards. */
  static double platform(int n) throws Exception {
    settle();
    long before = rss();
    List<Component> cs = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        cs.add(Component.start(new Component.Context().name("idle-" + i).script(IDLE_MAIN, "idle.js")));
      }
      for (Component c : cs) {
        Watch.awaitStarted(c, LONG);
      }
      settle();
      long after = rss();
      // An idle component that ended while the others started was not idle: the figure is void.
      Watch.requireRunning("the RSS of " + n + " idle components", cs.toArray(new Component[0]));
      return (after - before) / (double) n / (1 << 20);
    } finally {
      if (!Watch.terminate("benchmark done", cs.toArray(new Component[0]))) {
        System.out.println("note: some idle components did not end within " + Watch.GRACE.toSeconds() + " s of being terminated");
      }
    }
  }

  /** MiB of RSS per bare runtime (created on one thread, one trivial script run in each). */
  static double raw(int n) throws Exception {
    settle();
    long before = rss();
    List<V8Runtime> rts = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        V8Runtime rt = BareV8.host().createV8Runtime();
        rts.add(rt);
        rt.getExecutor("function main(env) {}").executeVoid();
      }
      settle();
      return (rss() - before) / (double) n / (1 << 20);
    } finally {
      for (V8Runtime rt : rts) {
        rt.close();
      }
    }
  }

  private static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(300);
  }
}
