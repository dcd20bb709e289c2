package b8g.cli;

import b8g.components.Component.ExitStatus;
import b8g.errors.B8gException;
import b8g.host.Host;
import b8g.host.HostEvent;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.ManifestLoader;
import b8g.host.manifest.schema.Isolation;
import b8g.snapshots.Snapshots;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs the components of a manifest until all have ended.",
        "Exit 0 when every component succeeded, 1 when one failed or was terminated, 3 for an invalid manifest,",
        "141 (as for a process killed by SIGPIPE) when the reader of standard output closed it early.",
        "While a component holds STDOUT, console output goes to standard error."})
final class RunCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MANIFEST", description = "A .txtpb or .json manifest, or a script (.js, .mjs, .cjs, .ts, "
      + ".mts, .cts) to run as one component granted log only, with the modules it requires from its directory.")
  Path manifest;

  @Option(names = "--watch", description = "Restart a component when its script file changes.")
  boolean watch;

  @Option(names = {"-v", "--verbose"}, description = "Print every host event (grants, links, starts, ends) to stderr.")
  boolean verbose;

  @Option(names = "--events", paramLabel = "FORMAT", converter = EventsOption.Converter.class,
      description = "Write every host event as one line of JSON: json (to stderr) or json:FILE (appended).")
  EventsOption events;

  @Option(names = "--snapshots", description = {"Start components snapshottable, so b8g snapshot can take them",
      "(on by itself when the manifest grants the snapshot capability). Such components have no WebAssembly."})
  boolean snapshots;

  @Option(names = "--no-control", description = "Do not open the control socket (b8g snapshot cannot reach this host).")
  boolean noControl;

  @Option(names = "--isolation", paramLabel = "TIER", converter = IsolationConverter.class,
      description = "Run every component in this tier whatever its manifest says: process (in a worker process; "
          + "components of one process_group share one) or in-process. Default: as the manifest says.")
  Isolation isolation;

  @Option(names = "--metrics", paramLabel = "HOST:PORT", description = {"Serve the host's counters as metrics (OpenMetrics,",
      "or Prometheus text) at http://HOST:PORT/metrics; 127.0.0.1 unless another address is named, port 0 picks one."})
  String metrics;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    LoadedManifest loaded = ManifestLoader.isScript(manifest) ? ManifestLoader.forScript(manifest) : ManifestLoader.load(manifest);
    // The host starts components snapshottable by itself when the manifest grants the snapshot capability.
    Host.Context ctx = new Host.Context().manifest(loaded).restartOnScriptChange(watch).snapshots(snapshots)
        .isolation(isolation);
    return withEvents(events, ctx, spec.commandLine().getErr(),
        () -> runHost(ctx, Host::launch, !noControl, metrics, verbose, spec.commandLine().getOut(), spec.commandLine().getErr()));
  }

  /** A run of a host whose exit code it returns. */
  interface HostRun {
    int run() throws InterruptedException;
  }

  /**
   * Runs {@code run} with {@code --events} in effect on {@code ctx} ({@code events} null: off), and
   * closes the event file after it. Shared with {@code restore}.
   */
  static int withEvents(EventsOption events, Host.Context ctx, PrintWriter err, HostRun run) throws InterruptedException {
    if (events == null) {
      return run.run();
    }
    java.io.Writer out = events.open(err);
    ctx.jsonEvents(out);
    try {
      return run.run();
    } finally {
      if (out != err) {
        try {
          out.close();
        } catch (java.io.IOException e) {
          err.println("b8g: warning: the event log " + events.file() + " was not written whole: " + e.getMessage());
        }
      }
    }
  }

  /**
   * The value of {@code --isolation} ({@code run}, {@code check}): {@code process} or
   * {@code in-process}; anything else is a usage error that names both.
   */
  static final class IsolationConverter implements ITypeConverter<Isolation> {
    @Override
    public Isolation convert(String value) {
      return switch (value) {
        case "process" -> Isolation.PROCESS;
        case "in-process" -> Isolation.IN_PROCESS;
        default -> throw new TypeConversionException(
            "unknown isolation tier \"" + value + "\"; use process or in-process");
      };
    }
  }

  /** The exit code of a host that ended because no component could make progress. */
  static final int DEADLOCK = 10;
  /**
   * The exit code when the reader of standard output closed it while a component wrote ({@code b8g
   * run x | head}): what a shell reports for a process killed by SIGPIPE (128 + 13), so {@code set
   * -o pipefail} treats {@code b8g run} as it treats {@code cat}.
   */
  static final int STDOUT_CLOSED = 141;

  /** As {@link #runHost(Host.Context, Function, boolean, boolean, PrintWriter, PrintWriter)}, no control socket. */
  static int runHost(Host.Context ctx, boolean verbose, PrintWriter out, PrintWriter err) throws InterruptedException {
    return runHost(ctx, Host::launch, false, verbose, out, err);
  }

  /**
   * Launches the host on {@code ctx} with {@code launcher} (log lines to {@code out}, failures and
   * restarts to {@code err}, every event when {@code verbose}), opens its control socket when
   * {@code control} (a failure to do so is reported and the host runs without one), waits for
   * every component and returns {@code run}'s exit code: 0 all succeeded, 1 one failed or was
   * terminated, {@link #DEADLOCK} none could make progress (the host ended them all and the
   * report, who waits on what, went to {@code err}). Shared with {@code deploy} and {@code restore}.
   */
  static int runHost(Host.Context ctx, Function<Host.Context, Host> launcher, boolean control,
      boolean verbose, PrintWriter out, PrintWriter err) throws InterruptedException {
    return runHost(ctx, launcher, control, null, verbose, out, err);
  }

  /**
   * As above; every such host keeps its counters file ({@link CountersPlace}: {@code b8g top}
   * reads it; a directory that is refused is reported and the host runs without one), and with
   * {@code metrics} ({@code HOST:PORT}) serves them at {@code /metrics}, printing the address to
   * {@code err}.
   */
  static int runHost(Host.Context ctx, Function<Host.Context, Host> launcher, boolean control, String metrics,
      boolean verbose, PrintWriter out, PrintWriter err) throws InterruptedException {
    if (metrics != null) {
      MetricsServer.parse(metrics); // a usage error before anything starts
    }
    Path countersFile = null;
    try {
      countersFile = CountersPlace.forThisProcess(System.getenv());
      ctx.counters(countersFile);
    } catch (B8gException e) {
      if (metrics != null) {
        throw e;
      }
      synchronized (err) {
        err.println("b8g: warning: running without a counters file (b8g top cannot see this host): " + e.getMessage());
        err.flush();
      }
    }
    // Standard output held by a component is a byte stream: console lines must not mix into it.
    PrintWriter console = ctx.grantsStdout() ? err : out;
    Host host = launcher.apply(ctx
        .imageWriter(Snapshots.imageWriter())
        .log(line -> {
          synchronized (console) {
            console.println(line);
            console.flush();
          }
        })
        .events(e -> {
          if (verbose || e.kind() == HostEvent.Kind.FAILED || e.kind() == HostEvent.Kind.TERMINATED
              || e.kind() == HostEvent.Kind.DEADLOCK
              || e.kind() == HostEvent.Kind.RESTARTED || e.kind() == HostEvent.Kind.SCRIPT_CHANGED) {
            synchronized (err) {
              err.println("b8g: " + e);
              err.flush();
            }
          }
        }));
    ControlServer server = null;
    if (control) {
      try {
        server = ControlServer.open(host, host.snapshottable(), ControlSocket.directoryPath(System.getenv()));
        if (verbose) {
          synchronized (err) {
            err.println("b8g: control socket " + server.socket());
            err.flush();
          }
        }
      } catch (B8gException e) {
        synchronized (err) {
          err.println("b8g: warning: running without a control socket: " + e.getMessage());
          err.flush();
        }
      }
    }
    MetricsServer metricsServer = null;
    if (metrics != null && !java.nio.file.Files.exists(countersFile)) {
      // The host runs without counters (it said why): there is nothing to serve.
      synchronized (err) {
        err.println("b8g: warning: no metrics at " + metrics + ": this host has no counters file");
        err.flush();
      }
    } else if (metrics != null) {
      try {
        metricsServer = MetricsServer.start(metrics, countersFile);
      } catch (RuntimeException e) {
        if (server != null) {
          server.close();
        }
        host.close();
        throw e;
      }
      synchronized (err) {
        InetSocketAddress a = metricsServer.address();
        err.println("b8g: metrics at http://" + (a.getAddress() instanceof java.net.Inet6Address ? "[" + a.getAddress().getHostAddress() + "]"
            : a.getAddress().getHostAddress()) + ":" + a.getPort() + "/metrics");
        err.flush();
      }
    }
    ControlServer controlServer = server;
    MetricsServer metricsEnd = metricsServer;
    Thread hook = new Thread(() -> {
      if (metricsEnd != null) {
        metricsEnd.close();
      }
      if (controlServer != null) {
        controlServer.close();
      }
      host.close();
    }, "b8g-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Map<String, ExitStatus> done = host.awaitCompletion(Duration.ofDays(3650));
      if (host.deadlock() != null) {
        return DEADLOCK;
      }
      if (host.stdoutClosedEarly()) {
        return STDOUT_CLOSED;
      }
      boolean ok = done != null && done.values().stream().allMatch(ExitStatus::success);
      return ok ? 0 : 1;
    } finally {
      if (metricsEnd != null) {
        metricsEnd.close();
      }
      if (controlServer != null) {
        controlServer.close();
      }
      host.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }
}
