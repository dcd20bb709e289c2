package b8g.cli;

import b8g.host.manifest.AuthorityGraph;
import b8g.host.manifest.DotWriter;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.IsolationRules;
import b8g.host.manifest.ManifestLoader;
import b8g.host.manifest.Reachability;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Path;
import java.util.Stack;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

  @Option(names = "--graph", paramLabel = "FORMAT", arity = "0..1", parameterConsumer = GraphFormat.class,
      description = {"Print who can reach what as a graph instead: dot (Graphviz DOT, the default) or svg",
          "(rendered with Graphviz's dot -Tsvg, which must be installed)."})
  String graph;

  @Spec
  CommandSpec spec;

  /**
   * {@code --graph}'s value: {@code --graph=FORMAT} or {@code --graph FORMAT}; a bare
   * {@code --graph} means dot and leaves the next argument alone when it is the manifest (an
   * existing file, or a name ending in .txtpb or .json).
   */
  static final class GraphFormat implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      String value = "dot";
      if (!args.isEmpty() && !args.peek().startsWith("-") && !looksLikeManifest(args.peek())) {
        value = args.pop(); // checked in call(), with the formats there are
      }
      argSpec.setValue(value);
    }

    private static boolean looksLikeManifest(String arg) {
      return arg.endsWith(".txtpb") || arg.endsWith(".json") || java.nio.file.Files.isRegularFile(Path.of(arg));
    }
  }

  @Override
  public Integer call() {
    LoadedManifest m = ManifestLoader.load(manifest);
    // The launch of a host that forces this tier would fail the same way (Host.Context.isolation).
    IsolationRules.checkForced(m, isolation);
    if (graph == null) {
      spec.commandLine().getOut().print(Reachability.describe(m, isolation));
    } else {
      String dot = DotWriter.write(AuthorityGraph.of(m, isolation));
      switch (graph) {
        case "dot" -> spec.commandLine().getOut().print(dot);
        case "svg" -> spec.commandLine().getOut().print(GraphRenderer.svg(dot));
        default -> throw new ParameterException(spec.commandLine(), "unknown graph format \"" + graph + "\"; use dot or svg");
      }
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
