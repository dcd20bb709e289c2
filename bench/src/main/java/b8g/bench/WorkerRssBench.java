package b8g.bench;

import b8g.host.Host;
import b8g.host.HostEvent;
import b8g.memory.Region;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Resident memory of a worker process running one small idle component, against what the same
 * component adds to the host's JVM when it runs in process. Each round launches two generated
 * manifests: in process, {@link #COPIES} copies of the component (RSS of this JVM before the launch
 * and once all run, after a GC and a pause, as {@link IdleBench}, divided by the copies), then one
 * copy in a worker (the worker's {@code VmRSS} once it runs and the spare worker the host keeps,
 * one by default, is ready too; the spare's RSS is the cost of a worker with no component).
 */
final class WorkerRssBench {
  private static final String NAME = "idle";
  /** Marks the flag region when main ran, then waits for ever. */
  private static final String SCRIPT = """
      async function main(env) {
        new Int32Array(env.flag.buffer)[0] = 1;
        return new Promise(() => {});
      }
      """;

  /**
   * Copies of the component in the in-process manifest: the increase of one is about 1/150 of a
   * worker's RSS, below the noise of one measurement, so the baseline is the increase for this
   * many, divided by it.
   */
  static final int COPIES = 10;

  private WorkerRssBench() {}

  /** {@code n} copies of the idle component ({@code idle}, {@code idle_1}, ...), each with its flag. */
  private static String manifest(int n, String tier) {
    StringBuilder m = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String c = i == 0 ? NAME : NAME + "_" + i;
      m.append("components { name: \"").append(c).append("\" script: \"idle.js\"").append(tier).append(" }\n")
          .append("regions { name: \"flag_").append(i).append("\" size: 4096 backing: ANONYMOUS }\n")
          .append("grants { component: \"").append(c).append("\" region: \"flag_").append(i)
          .append("\" rights: [READ, WRITE] as: \"flag\" }\n");
    }
    return m.toString();
  }

  /** MiB per round: [0] worker with the component, [1] in-process increase, [2] spare worker. */
  static Stats[] run(int warmup, int rounds) throws Exception {
    double[] worker = new double[rounds];
    double[] inProcess = new double[rounds];
    double[] spare = new double[rounds];
    Path dir = Files.createTempDirectory("b8g-bench-rss-");
    try {
      Files.writeString(dir.resolve("idle.js"), SCRIPT);
      Path local = dir.resolve("in-process.txtpb");
      Files.writeString(local, manifest(COPIES, ""));
      Path remote = dir.resolve("worker.txtpb");
      Files.writeString(remote, manifest(1, " isolation: PROCESS"));
      for (int i = -warmup; i < rounds; i++) {
        settle();
        long before = IdleBench.rss();
        try (Running h = new Running(local)) {
          settle();
          h.requireRunning("the RSS of this JVM");
          if (i >= 0) {
            inProcess[i] = (IdleBench.rss() - before) / (double) COPIES / (1 << 20);
          }
        }
        try (Running h = new Running(remote)) {
          long pid = h.host.workerPid(NAME);
          if (pid == 0) {
            throw new FigureFailed(NAME + " does not run in a worker process");
          }
          long deadline = System.nanoTime() + Watch.bound().toNanos();
          while (h.host.workerPids().size() < 2) {
            h.requireRunning("the spare worker");
            if (System.nanoTime() - deadline >= 0) {
              throw new FigureFailed("no spare worker within " + Watch.bound().toSeconds() + " s: workers " + h.host.workerPids());
            }
            Thread.sleep(Watch.SLICE.toMillis());
          }
          Thread.sleep(1000); // the workers' JVMs settle after their boot (JIT, GC)
          h.requireRunning("the RSS of its worker");
          long sparePid = h.host.workerPids().stream().filter(p -> p != pid).findFirst().orElseThrow();
          if (i >= 0) {
            worker[i] = rss(pid) / (double) (1 << 20);
            spare[i] = rss(sparePid) / (double) (1 << 20);
          }
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return new Stats[] {Stats.of(worker), Stats.of(inProcess), Stats.of(spare)};
  }

  /** A host on {@code manifest} whose one component has run main (its flag is set). */
  private static final class Running implements AutoCloseable {
    final Host host;
    private final Map<String, String> ended = new ConcurrentHashMap<>();

    Running(Path manifest) throws InterruptedException {
      host = Host.launch(new Host.Context().manifest(manifest).events(this::event).deadlockDetection(false));
      try {
        long deadline = System.nanoTime() + Watch.bound().toNanos();
        for (int i = 0; i < host.manifest().components().size(); i++) {
          Region flag = host.region("flag_" + i);
          while (flag.readVolatileInt(0) != 1) {
            requireRunning("main to run");
            if (System.nanoTime() - deadline >= 0) {
              throw new FigureFailed("component " + i + " did not run main within " + Watch.bound().toSeconds() + " s");
            }
            Thread.sleep(5);
          }
        }
      } catch (RuntimeException | InterruptedException e) {
        host.close();
        throw e;
      }
    }

    private void event(HostEvent e) {
      switch (e.kind()) {
        case EXITED, FAILED, TERMINATED -> ended.putIfAbsent(e.component(), e.kind().name() + ": " + e.detail());
        default -> { }
      }
    }

    void requireRunning(String what) {
      for (Map.Entry<String, String> e : ended.entrySet()) {
        throw new FigureFailed("while waiting for " + what + ", " + e.getKey() + " ended: " + e.getValue());
      }
    }

    @Override
    public void close() {
      host.close();
    }
  }

  /** VmRSS of process {@code pid} in bytes. */
  static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }

  private static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(300);
  }
}
