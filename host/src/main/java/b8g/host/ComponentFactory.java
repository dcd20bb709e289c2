package b8g.host;

import b8g.components.Component;
import b8g.components.ComponentException;
import b8g.components.HostServices;
import b8g.components.Limits;
import b8g.components.ScriptModule;
import b8g.host.manifest.ComponentSpec;
import b8g.host.modules.ModuleGraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one factory of the host's components, manifest components and children alike: their
 * {@link Component.Context} with name, script (named relative to the manifest's directory in
 * errors), limits, the host's services and the listener told of the end. Only manifest components
 * are started snapshottable (when the host is). Thread-safe once {@link #serve} has been called.
 */
final class ComponentFactory {
  private final Path directory;
  private final boolean snapshottable;
  private volatile HostServices services;

  ComponentFactory(Path directory, boolean snapshottable) {
    this.directory = directory;
    this.snapshottable = snapshottable;
  }

  /** The services every component started from now on calls (set once, before any start). */
  private HostCounters counters;

  void serve(HostServices s) {
    services = s;
  }

  /** The host's counters, whose blocks manifest components in this JVM write (set once, before any start). */
  void counters(HostCounters c) {
    counters = c;
  }

  /** A manifest component's context, its script (or its whole module graph) read now. */
  Component.Context manifestComponent(ComponentSpec spec, Component.Listener listener) {
    Component.Context ctx = context(spec.name(), source(spec), spec.script(), spec.limits(), listener).snapshottable(snapshottable);
    if (counters != null) {
      ctx.counters(counters.component(spec.name()));
    }
    List<ScriptModule> graph = modules(spec);
    return graph.isEmpty() ? ctx : ctx.modules(graph);
  }

  /**
   * A manifest component's module graph, read now ({@link ModuleGraph}); empty for a classic
   * script, which runs as before.
   */
  List<ScriptModule> modules(ComponentSpec spec) {
    if (ModuleGraph.classic(spec.script(), source(spec))) {
      return List.of();
    }
    return ModuleGraph.read(directory, spec.script(), spec.scriptLocation() + ": ");
  }

  /**
   * The files to watch for {@code --watch}: the script and, for a package component, its own
   * modules (not node_modules, which npm changes wholesale).
   */
  List<Path> watchedFiles(ComponentSpec spec) {
    List<Path> out = new java.util.ArrayList<>(List.of(spec.script()));
    if (!ModuleGraph.classic(spec.script(), source(spec))) {
      try {
        Path root = directory.toRealPath();
        for (String f : ModuleGraph.files(directory, spec.script())) {
          Path p = root.resolve(f);
          if (!f.contains("node_modules/") && !p.equals(spec.script().toRealPath())) {
            out.add(p);
          }
        }
      } catch (IOException | ComponentException e) {
        // The start reports a broken graph; watching the script alone is enough to see it fixed.
      }
    }
    return out;
  }

  /** The text of a manifest component's script, read now. */
  String source(ComponentSpec spec) {
    try {
      return Files.readString(spec.script(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ComponentException("component.script",
          spec.scriptLocation() + ": cannot read script " + spec.script() + ": " + e.getMessage(), e);
    }
  }

  /** A script's name in errors: its path relative to the manifest's directory. */
  String scriptName(Path file) {
    return directory.relativize(file).toString();
  }

  /** A child's context: {@code source} is the text of {@code file}. */
  Component.Context child(String name, String source, Path file, Limits limits, Component.Listener listener) {
    return context(name, source, file, limits, listener);
  }

  private Component.Context context(String name, String source, Path file, Limits limits, Component.Listener listener) {
    return new Component.Context()
        .name(name)
        .script(source, scriptName(file))
        .limits(limits)
        .services(services)
        .listener(listener);
  }
}
