package b8g.host.worker;

import java.time.Duration;

/** A host process that starts one worker (its directory under args[0]), prints its pid, and waits to be killed (for WorkerProcessTest). */
public final class HostMain {
  private HostMain() {}

  public static void main(String[] args) throws Exception {
    WorkerProcess w = WorkerProcess.start(WorkerProcess.defaultCommand(), Duration.ofSeconds(30), java.nio.file.Path.of(args[0]));
    System.out.println("worker " + w.pid());
    System.out.flush();
    Thread.sleep(120_000);
  }
}
