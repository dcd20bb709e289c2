package b8g.host;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * A host process for ProcessIsolationTest: launches the manifest given as its argument, prints
 * {@code workers <pid>,<pid>...} once its components run in their workers and its spare is ready,
 * and waits to be killed.
 */
public final class KilledHostMain {
  private KilledHostMain() {}

  public static void main(String[] args) throws Exception {
    Host h = Host.launch(new Host.Context().manifest(Path.of(args[0])).log(l -> { }));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (h.workerPids().size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    System.out.println("workers " + h.workerPids().stream().map(String::valueOf).collect(Collectors.joining(",")));
    System.out.flush();
    Thread.sleep(300_000);
  }
}
