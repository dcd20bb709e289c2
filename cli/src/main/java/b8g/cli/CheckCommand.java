package b8g.cli;

import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.ManifestLoader;
import b8g.host.manifest.Reachability;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validates a manifest and prints who can reach what. Exit 0 when valid, 3 when not.")
final class CheckCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MANIFEST", description = "A .txtpb or .json manifest.")
  Path manifest;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    LoadedManifest m = ManifestLoader.load(manifest);
    spec.commandLine().getOut().print(Reachability.describe(m));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
