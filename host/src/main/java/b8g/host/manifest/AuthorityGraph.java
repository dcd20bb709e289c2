package b8g.host.manifest;

import b8g.host.manifest.schema.HostCapability;
import b8g.host.manifest.schema.Isolation;
import b8g.host.manifest.schema.Right;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who can reach what under a manifest, as a graph ({@code b8g check --graph}, printed by
 * {@link DotWriter}); no component runs. Nodes are the components and what they can reach: regions,
 * channels, files and directories, services, and the host's capabilities (LOG, STDIN, STDOUT,
 * STDERR, RUN, WATCH, SNAPSHOT, NET; RUN, WATCH and NET one node per distinct set of paths or
 * patterns). Edges:
 *
 * <ul>
 *   <li>a grant, from the component to what it reaches, labelled with its env name and rights;
 *       a channel's reader end and STDIN point the other way, from the channel to its reader, so
 *       data flows along the arrows;</li>
 *   <li>a service, from its provider (a component, or the embedding application) to each client,
 *       labelled with the service and the methods the client may call;</li>
 *   <li>a link, from the component whose secret is given (what it exports) to the one that may
 *       link to it.</li>
 * </ul>
 *
 * <p>Clusters are the isolation tiers: the components in the host's process, and one per worker
 * process (a {@code process_group}, or a component's own worker). Node ids are made here
 * ({@code c0}, {@code h3}, ...), never from names, which are user data; labels carry the names.
 * Manifest order throughout, so the output can be diffed. Immutable.
 *
 * @param nodes every node, components first
 * @param edges every edge, grants then services then links
 * @param clusters the isolation tiers, each naming its component nodes
 */
public record AuthorityGraph(List<Node> nodes, List<Edge> edges, List<Cluster> clusters) {
  /** What a node stands for. */
  public enum NodeKind { COMPONENT, REGION, CHANNEL, FILE, DIRECTORY, SERVICE, HOST, APPLICATION }

  /** What an edge stands for. */
  public enum EdgeKind { GRANT, SERVICE, LINK }

  /** A node: {@code id} for the graph language, {@code label} lines for people. */
  public record Node(String id, NodeKind kind, List<String> label) {}

  /** An edge between two node ids. */
  public record Edge(String from, String to, EdgeKind kind, String label) {}

  /** An isolation tier and the component nodes in it. */
  public record Cluster(String id, String label, List<String> members) {}

  public AuthorityGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    clusters = List.copyOf(clusters);
  }

  /** The graph of {@code manifest} as its own isolation fields place the components. */
  public static AuthorityGraph of(LoadedManifest manifest) {
    return of(manifest, null);
  }

  /**
   * The graph of {@code manifest} for a host that runs every component in {@code forced} (null
   * or ISOLATION_UNSPECIFIED: as the manifest says), as {@code b8g run --isolation} would.
   */
  public static AuthorityGraph of(LoadedManifest manifest, Isolation forced) {
    return new Builder(manifest).build(forced);
  }

  /** Collects nodes by a key, so a handle reached by several grants is one node. */
  private static final class Builder {
    private final LoadedManifest manifest;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();
    private final Map<String, Integer> counters = new LinkedHashMap<>();

    Builder(LoadedManifest manifest) {
      this.manifest = manifest;
    }

    AuthorityGraph build(Isolation forced) {
      for (ComponentSpec c : manifest.components()) {
        node("component:" + c.name(), "c", NodeKind.COMPONENT, List.of(c.name(), relative(c.script())));
      }
      for (ComponentSpec c : manifest.components()) {
        String from = id("component:" + c.name());
        for (GrantSpec g : c.grants()) {
          grant(from, g);
        }
      }
      for (ComponentSpec c : manifest.components()) {
        for (GrantSpec g : c.grants()) {
          if (g.kind() != GrantSpec.Kind.SERVICE) {
            continue;
          }
          ServiceSpec sv = manifest.service(g.target()).orElseThrow();
          String provider = sv.provider().isPresent() ? id("component:" + sv.provider().get())
              : node("application", "a", NodeKind.APPLICATION, List.of("application (Java)"));
          edges.add(new Edge(provider, id("component:" + c.name()), EdgeKind.SERVICE, "service " + sv.name()
              + (g.methods().isEmpty() ? " (every method)" : ": " + String.join(", ", g.methods()))));
        }
      }
      for (LinkSpec l : manifest.links()) {
        edges.add(new Edge(id("component:" + l.from()), id("component:" + l.to()), EdgeKind.LINK,
            "link (secret as env." + l.env() + ")"));
      }
      return new AuthorityGraph(new ArrayList<>(nodes.values()), edges, clusters(forced));
    }

    private void grant(String component, GrantSpec g) {
      String rights = rights(g.rights());
      String label = "env." + g.env() + (rights.isEmpty() ? "" : " " + rights);
      switch (g.kind()) {
        case REGION -> {
          RegionSpec r = manifest.region(g.target()).orElseThrow();
          String n = node("region:" + r.name(), "r", NodeKind.REGION, List.of("region " + r.name(), r.size() + " bytes"));
          edges.add(new Edge(component, n, EdgeKind.GRANT, label));
        }
        case CHANNEL -> {
          ChannelSpec ch = manifest.channel(g.target()).orElseThrow();
          String n = node("channel:" + ch.name(), "ch", NodeKind.CHANNEL, List.of("channel " + ch.name(), ch.capacity() + " bytes"));
          boolean writes = g.rights().contains(Right.WRITE);
          edges.add(writes ? new Edge(component, n, EdgeKind.GRANT, label) : new Edge(n, component, EdgeKind.GRANT, label));
        }
        case FILE -> {
          boolean dir = g.isDirectory();
          String path = relative(g.paths().get(0));
          String n = node("file:" + path, "f", dir ? NodeKind.DIRECTORY : NodeKind.FILE,
              List.of((dir ? "directory " : "file ") + path));
          boolean reads = g.rights().contains(Right.READ) && !dir && !g.map();
          edges.add(reads ? new Edge(n, component, EdgeKind.GRANT, label) : new Edge(component, n, EdgeKind.GRANT, label));
        }
        case HOST -> {
          HostCapability h = g.host().orElseThrow();
          List<String> lines = new ArrayList<>();
          lines.add(h.name());
          for (Path p : g.paths()) {
            lines.add(relative(p));
          }
          lines.addAll(g.allow());
          String n = node("host:" + String.join("\u0000", lines), "h", NodeKind.HOST, lines);
          edges.add(h == HostCapability.STDIN ? new Edge(n, component, EdgeKind.GRANT, label)
              : new Edge(component, n, EdgeKind.GRANT, label));
        }
        case SERVE -> {
          String n = node("service:" + g.target(), "s", NodeKind.SERVICE, List.of("service " + g.target()));
          edges.add(new Edge(component, n, EdgeKind.GRANT, "env." + g.env() + " serves"));
        }
        case SERVICE -> {
          // Drawn as a service edge from its provider (build): a client reaches the provider's methods.
        }
        default -> throw new IllegalStateException("unhandled grant kind " + g.kind());
      }
    }

    /** The tiers: the host's process first, then each worker in the order its first component appears. */
    private List<Cluster> clusters(Isolation forced) {
      Map<String, Cluster> out = new LinkedHashMap<>();
      for (ComponentSpec c : manifest.components()) {
        Isolation runs = IsolationRules.effective(c, forced);
        String key;
        String label;
        if (runs == Isolation.IN_PROCESS) {
          key = "in-process";
          label = "in the host's process";
        } else if (!c.processGroup().isEmpty()) {
          key = "group:" + c.processGroup();
          label = "worker process (group " + c.processGroup() + ")";
        } else {
          key = "own:" + c.name();
          label = "worker process (" + c.name() + " alone)";
        }
        Cluster k = out.computeIfAbsent(key, x -> new Cluster("cluster_" + out.size(), label, new ArrayList<>()));
        k.members().add(id("component:" + c.name()));
      }
      List<Cluster> list = new ArrayList<>();
      for (Cluster k : out.values()) {
        list.add(new Cluster(k.id(), k.label(), List.copyOf(k.members())));
      }
      return list;
    }

    /** The id of the node under {@code key}, made with {@code prefix} and a number when new. */
    private String node(String key, String prefix, NodeKind kind, List<String> label) {
      Node n = nodes.get(key);
      if (n == null) {
        int i = counters.merge(prefix, 1, Integer::sum) - 1;
        n = new Node(prefix + i, kind, List.copyOf(label));
        nodes.put(key, n);
      }
      return n.id();
    }

    private String id(String key) {
      return nodes.get(key).id();
    }

    private String relative(Path path) {
      String rel = manifest.directory().relativize(path).toString();
      return rel.isEmpty() ? "." : rel;
    }

    private static String rights(Set<Right> rights) {
      List<String> out = new ArrayList<>();
      for (Right r : rights) {
        out.add(r.name().toLowerCase(Locale.ROOT));
      }
      return String.join("+", out);
    }
  }
}
