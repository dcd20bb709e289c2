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
 * component adds to the host's JVM when it runs in process. Each round launches the same generated
 * manifest twice: in process (RSS of this JVM before the launch and once the component runs, after
 * a GC and a pause, as {@link IdleBench}), then with the component in a worker (the worker's
 * {@code VmRSS} once it runs and the spare worker the host keeps, one by default, is ready too;
 * the spare's RSS is the cost of a worker with no component).
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

  private WorkerRssBench() {}

  /** MiB per round: [0] worker with the component, [1] in-process increase, [2] spare worker. */
  static Stats[] run(int warmup, int rounds) throws Exception {
    double[] worker = new double[rounds];
    double[] inProcess = new double[rounds];
    double[] spare = new double[rounds];
    Path dir = Files.createTempDirectory("b8g-bench-rss-");
    try {
      Files.writeString(dir.resolve("idle.js"), SCRIPT);
      String manifest = """
          components { name: "%s" script: "idle.js"%s }
          regions { name: "flag" size: 4096 backing: ANONYMOUS }
          grants { component: "%s" region: "flag" rights: [READ, WRITE] }
          """;
      Path local = dir.resolve("in-process.txtpb");
      Files.writeString(local, manifest.formatted(NAME, "", NAME));
      Path remote = dir.resolve("worker.txtpb");
      Files.writeString(remote, manifest.formatted(NAME, " isolation: PROCESS", NAME));
      for (int i = -warmup; i < rounds; i++) {
        settle();
        long before = IdleBench.rss();
        try (Running h = new Running(local)) {
          settle();
          h.requireRunning("the RSS of this JVM");
          if (i >= 0) {
            inProcess[i] = (IdleBench.rss() - before) / (double) (1 << 20);
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
        Region flag = host.region("flag");
        long deadline = System.nanoTime() + Watch.bound().toNanos();
        while (flag.readVolatileInt(0) != 1) {
          requireRunning("its main to run");
          if (System.nanoTime() - deadline >= 0) {
            throw new FigureFailed(NAME + " did not run main within " + Watch.bound().toSeconds() + " s");
          }
          Thread.sleep(5);
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
      String how = ended.get(NAME);
      if (how != null) {
        throw new FigureFailed("while waiting for " + what + ", " + NAME + " ended: " + how);
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
