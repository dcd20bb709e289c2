package b8g.cli;

import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.IsolationRules;
import b8g.host.manifest.ManifestLoader;
import b8g.host.manifest.Reachability;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Validates a manifest and prints who can reach what, and where each component runs.",
        "Exit 0 when valid, 3 when not."})
final class CheckCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MANIFEST", description = "A .txtpb or .json manifest.")
  Path manifest;

  @Option(names = "--isolation", paramLabel = "TIER", converter = RunCommand.IsolationConverter.class,
      description = "Check as b8g run --isolation=TIER would run it: every component in this tier (process or "
          + "in-process), shown as forced; with process, a grant a worker cannot use yet is an error.")
  Isolation isolation;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    LoadedManifest m = ManifestLoader.load(manifest);
    // The launch of a host that forces this tier would fail the same way (Host.Context.isolation).
    IsolationRules.checkForced(m, isolation);
    spec.commandLine().getOut().print(Reachability.describe(m, isolation));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
