package b8g.cli;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import b8g.host.HostEvent;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs the components of a manifest until all have ended.",
        "Exit 0 when every component succeeded, 1 when one failed or was terminated, 3 for an invalid manifest."})
final class RunCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MANIFEST", description = "A .txtpb or .json manifest.")
  Path manifest;

  @Option(names = "--watch", description = "Restart a component when its script file changes.")
  boolean watch;

  @Option(names = {"-v", "--verbose"}, description = "Print every host event (grants, links, starts, ends) to stderr.")
  boolean verbose;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    return runHost(new Host.Context().manifest(manifest).restartOnScriptChange(watch), verbose,
        spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * Launches the host on {@code ctx} (log lines to {@code out}, failures and restarts to {@code
   * err}, every event when {@code verbose}), waits for every component and returns {@code run}'s
   * exit code: 0 all succeeded, 1 one failed or was terminated. Shared with {@code deploy}.
   */
  static int runHost(Host.Context ctx, boolean verbose, PrintWriter out, PrintWriter err) throws InterruptedException {
    Host host = Host.launch(ctx
        .log(line -> {
          synchronized (out) {
            out.println(line);
            out.flush();
          }
        })
        .events(e -> {
          if (verbose || e.kind() == HostEvent.Kind.FAILED || e.kind() == HostEvent.Kind.TERMINATED
              || e.kind() == HostEvent.Kind.RESTARTED || e.kind() == HostEvent.Kind.SCRIPT_CHANGED) {
            synchronized (err) {
              err.println("b8g: " + e);
              err.flush();
            }
          }
        }));
    Thread hook = new Thread(host::close, "b8g-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Map<String, ExitStatus> done = host.awaitCompletion(Duration.ofDays(3650));
      boolean ok = done != null && done.values().stream().allMatch(ExitStatus::success);
      return ok ? 0 : 1;
    } finally {
      host.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }
}
