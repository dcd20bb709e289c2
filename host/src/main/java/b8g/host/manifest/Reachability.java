package b8g.host.manifest;

import b8g.host.manifest.schema.Isolation;
import b8g.host.manifest.schema.Right;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who can reach what under a manifest, as text for {@code b8g check}. The output depends only on
 * the manifest (manifest order throughout, paths relative to its directory), so it can be diffed
 * and checked in tests.
 *
 * <pre>
 * component source (source.js; heap 64 MiB, cpu 1000 ms/turn; restart NEVER)
 *   isolation: in-process
 *   env.out: channel numbers, WRITE (writer end; reader: sink)
 * component sink (sink.js; heap 32 MiB, cpu 1000 ms/turn; restart ON_FAILURE up to 3; after source)
 *   isolation: process (group io)
 *   env.in: channel numbers, READ (reader end; writer: source)
 *   env.log: host LOG
 *   env.stdin: host STDIN (reader end of the host's standard input)
 *   env.source_secret: secret of source (may link to source)
 * channel numbers: source -&gt; sink (65536 bytes, ANONYMOUS)
 * link: sink can link to source (holds source's secret as env.source_secret)
 * start order: source, sink
 * </pre>
 */
public final class Reachability {
  private Reachability() {}

  /** What a file grant gives, in words. */
  static String fileWhat(GrantSpec g) {
    if (g.isDirectory()) {
      return "opens files below it at run time";
    }
    if (g.map()) {
      return g.rights().contains(Right.WRITE) ? "region mapped shared: writes reach the file"
          : "region holding a private copy: the file never changes";
    }
    if (g.rights().contains(Right.READ)) {
      return "reader end of the file's bytes";
    }
    return (g.rights().contains(Right.APPEND) ? "writer end appending to the file" : "writer end writing the file from its start")
        + (g.rights().contains(Right.CREATE) ? ", created if missing" : "");
  }

  /** One line per fact, ending in a newline; "host" stands for an end no component holds. */
  public static String describe(LoadedManifest manifest) {
    return describe(manifest, null);
  }

  /**
   * As {@link #describe(LoadedManifest)}, for a host that runs every component in {@code forced}
   * ({@code Host.Context.isolation}; null or ISOLATION_UNSPECIFIED: as the manifest says). A forced
   * tier other than the manifest's is printed with what the manifest says.
   */
  public static String describe(LoadedManifest manifest, Isolation forced) {
    StringBuilder out = new StringBuilder();
    for (ComponentSpec c : manifest.components()) {
      out.append("component ").append(c.name()).append(" (")
          .append(relative(manifest, c.script())).append("; heap ").append(c.limits().heapMib())
          .append(" MiB, cpu ").append(c.limits().cpuMillisPerTurn()).append(" ms/turn; restart ")
          .append(c.restartMode());
      if (c.maxRestarts() > 0) {
        out.append(" up to ").append(c.maxRestarts());
      }
      if (!c.after().isEmpty()) {
        out.append("; after ").append(String.join(", ", c.after()));
      }
      out.append(")\n");
      out.append("  isolation: ").append(tier(c, IsolationRules.effective(c, forced))).append('\n');
      if (c.grants().isEmpty() && c.secrets().isEmpty()) {
        out.append("  (env is empty: reaches nothing)\n");
      }
      for (GrantSpec g : c.grants()) {
        out.append("  env.").append(g.env()).append(": ");
        switch (g.kind()) {
          case REGION -> {
            RegionSpec r = manifest.region(g.target()).orElseThrow();
            out.append("region ").append(g.target()).append(", ").append(rights(g.rights()))
                .append(" (shared with: ").append(others(r, c.name())).append(")");
          }
          case CHANNEL -> {
            ChannelSpec ch = manifest.channel(g.target()).orElseThrow();
            boolean writes = g.rights().contains(Right.WRITE);
            out.append("channel ").append(g.target()).append(", ").append(rights(g.rights()))
                .append(writes ? " (writer end; reader: " : " (reader end; writer: ")
                .append((writes ? ch.reader() : ch.writer()).orElse("host")).append(")");
          }
          case HOST -> {
            out.append("host ").append(g.host().orElseThrow());
            switch (g.host().orElseThrow()) {
              case STDIN -> out.append(" (reader end of the host's standard input)");
              case STDOUT -> out.append(" (writer end to the host's standard output)");
              case STDERR -> out.append(" (writer end to the host's standard error)");
              default -> { }
            }
            if (!g.paths().isEmpty()) {
              List<String> paths = new ArrayList<>();
              for (var p : g.paths()) {
                paths.add(relative(manifest, p));
              }
              out.append(" (paths: ").append(String.join(", ", paths)).append(")");
            }
            if (!g.allow().isEmpty()) {
              out.append(" (connect to: ").append(String.join(", ", g.allow())).append(")");
            }
          }
          case FILE -> out.append(g.isDirectory() ? "directory " : "file ").append(relative(manifest, g.paths().get(0)))
              .append(", ").append(rights(g.rights())).append(" (").append(fileWhat(g)).append(")");
          case SERVICE -> {
            String provider = manifest.service(g.target()).orElseThrow().provider().orElse("the application");
            out.append("service ").append(g.target()).append(", ")
                .append(g.methods().isEmpty() ? "every method" : "methods " + String.join(", ", g.methods()))
                .append(" (client; served by: ").append(provider).append(")");
          }
          case SERVE -> {
            List<String> clients = new ArrayList<>();
            for (ComponentSpec o : manifest.components()) {
              for (GrantSpec og : o.grants()) {
                if (og.kind() == GrantSpec.Kind.SERVICE && og.target().equals(g.target())) {
                  clients.add(o.name());
                }
              }
            }
            out.append("service ").append(g.target()).append(" (serving end; clients: ").append(names(clients)).append(")");
          }
          default -> throw new IllegalStateException("unhandled grant kind " + g.kind());
        }
        out.append('\n');
      }
      for (LinkSpec l : c.secrets()) {
        out.append("  env.").append(l.env()).append(": secret of ").append(l.from())
            .append(" (may link to ").append(l.from()).append(")\n");
      }
    }
    for (ChannelSpec ch : manifest.channels()) {
      out.append("channel ").append(ch.name()).append(": ").append(ch.writer().orElse("host")).append(" -> ")
          .append(ch.reader().orElse("host")).append(" (").append(ch.capacity()).append(" bytes, ")
          .append(ch.backing()).append(")\n");
    }
    for (RegionSpec r : manifest.regions()) {
      out.append("region ").append(r.name()).append(": read by ").append(names(r.readers()))
          .append("; written by ").append(names(r.writers())).append(" (").append(r.size()).append(" bytes, ")
          .append(r.backing()).append(", at most ").append(rights(r.maxRights())).append(")\n");
    }
    for (ServiceSpec sv : manifest.services()) {
      List<String> clients = new ArrayList<>();
      for (ComponentSpec o : manifest.components()) {
        for (GrantSpec og : o.grants()) {
          if (og.kind() == GrantSpec.Kind.SERVICE && og.target().equals(sv.name())) {
            clients.add(og.methods().isEmpty() ? o.name() : o.name() + " (" + String.join(", ", og.methods()) + ")");
          }
        }
      }
      out.append("service ").append(sv.name()).append(": served by ").append(sv.provider().orElse("the application"))
          .append("; called by ").append(names(clients)).append('\n');
    }
    for (LinkSpec l : manifest.links()) {
      out.append("link: ").append(l.to()).append(" can link to ").append(l.from()).append(" (holds ")
          .append(l.from()).append("'s secret as env.").append(l.env()).append(")\n");
    }
    List<String> order = new ArrayList<>();
    for (ComponentSpec c : manifest.startOrder()) {
      order.add(c.name());
    }
    out.append("start order: ").append(String.join(", ", order)).append('\n');
    return out.toString();
  }

  /**
   * {@code in-process}, {@code process (group G)} or {@code process (own worker)}; a tier that is
   * not the manifest's, followed by what the manifest says.
   */
  private static String tier(ComponentSpec c, Isolation runs) {
    String manifestTier = c.isolation() == Isolation.IN_PROCESS ? "in-process"
        : c.processGroup().isEmpty() ? "process (own worker)" : "process (group " + c.processGroup() + ")";
    if (runs == c.isolation()) {
      return manifestTier;
    }
    // Forced into a worker, a component the manifest kept in process has no group: a worker of its own.
    return (runs == Isolation.IN_PROCESS ? "in-process" : "process (own worker)")
        + ", forced by the host; the manifest says " + manifestTier;
  }

  private static String others(RegionSpec r, String self) {
    List<String> others = new ArrayList<>();
    for (String n : r.readers()) {
      if (!n.equals(self) && !others.contains(n)) {
        others.add(n);
      }
    }
    for (String n : r.writers()) {
      if (!n.equals(self) && !others.contains(n)) {
        others.add(n);
      }
    }
    return others.isEmpty() ? "no other component" : String.join(", ", others);
  }

  private static String names(List<String> names) {
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }

  private static String rights(Set<Right> rights) {
    List<String> out = new ArrayList<>();
    for (Right r : rights) {
      out.add(r.name());
    }
    return String.join("+", out);
  }

  private static String relative(LoadedManifest manifest, java.nio.file.Path path) {
    String rel = manifest.directory().relativize(path).toString();
    return rel.isEmpty() ? "." : rel;
  }
}
