package b8g.cli;

import b8g.errors.B8gException;
import b8g.errors.Printable;
import b8g.host.worker.WorkerMain;
import b8g.host.worker.WorkerProcess;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code b8g} command. Thin by design: it parses arguments and calls the host, snapshot and
 * registry APIs, whose logic is tested without a terminal.
 *
 * <p>Exit codes: 0 success; 1 a component failed or was terminated; 2 wrong usage; 3 invalid
 * manifest; 4 capability; 5 memory; 6 component could not start; 7 stack image; 8 registry; 9 I/O;
 * 70 internal error; 130 interrupted.
 */
@Command(name = "b8g", mixinStandardHelpOptions = true, version = "b8g 0.1.0",
    description = "Runs untrusted JavaScript components in isolated V8 isolates, composed from a manifest.",
    subcommands = {RunCommand.class, CheckCommand.class, TypesCommand.class, SnapshotCommand.class, RestoreCommand.class, ImageCommand.class,
        RegistryCommand.class, DeployCommand.class, TopCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("worker")) {
      // The host starts its worker processes with this (b8g worker SOCKET, token on stdin): not a
      // command for people, so it is not listed, and nothing else is initialised for it.
      System.exit(WorkerMain.run(new String[] {args[1]}));
    }
    System.setProperty(WorkerProcess.ENTRY_PROPERTY, WorkerProcess.CLI_JAR);
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code (testable without a process). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> e instanceof B8gException b ? b.category().exitCode() : B8gException.Category.INTERNAL.exitCode());
    // Messages may quote text from manifests, images and registries: Printable.lines is the last
    // guard before the terminal (a CR, ESC or bidi control reads as an escape).
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("b8g: " + Printable.lines(ex.getMessage()));
      err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
      return B8gException.Category.USAGE.exitCode();
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      if (ex instanceof B8gException b) {
        err.println("b8g: " + Printable.lines(b.getMessage()));
        return b.category().exitCode();
      }
      err.println("b8g: internal error: " + Printable.lines(String.valueOf(ex)));
      return B8gException.Category.INTERNAL.exitCode();
    });
    return cl.execute(args);
  }
}
