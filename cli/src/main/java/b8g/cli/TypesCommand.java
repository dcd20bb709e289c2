package b8g.cli;

import b8g.errors.B8gException;
import b8g.host.manifest.EnvTypes;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.ManifestLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "types", mixinStandardHelpOptions = true,
    description = {"Writes TypeScript types for the components of a manifest: an Env interface per component, "
        + "from its grants (env.d.ts), and the global scope and capability types they use (b8g.d.ts, beside it).",
        "Exit 0 when written, 3 when the manifest is invalid, 9 when a file cannot be written."})
final class TypesCommand implements Callable<Integer> {
  @Parameters(paramLabel = "MANIFEST", description = "A .txtpb or .json manifest.")
  Path manifest;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Where to write the Env interfaces (default: env.d.ts beside the manifest); b8g.d.ts goes "
          + "into the same directory.")
  Path output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    LoadedManifest m = ManifestLoader.load(manifest);
    Path envFile = output != null ? output : m.directory().resolve("env.d.ts");
    Path declarations = envFile.toAbsolutePath().resolveSibling(EnvTypes.DECLARATIONS);
    if (envFile.toAbsolutePath().normalize().equals(declarations.normalize())) {
      throw new B8gException(B8gException.Category.USAGE, "types.output",
          "-o " + output + " would overwrite " + EnvTypes.DECLARATIONS + ", which is written beside it: choose another name");
    }
    write(envFile, EnvTypes.describe(m));
    write(declarations, EnvTypes.declarations());
    spec.commandLine().getOut().println("wrote " + envFile + " and " + declarations);
    spec.commandLine().getOut().flush();
    return 0;
  }

  private static void write(Path file, String text) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "types.write", "cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
