package b8g.host.manifest;

import b8g.host.manifest.AuthorityGraph.Cluster;
import b8g.host.manifest.AuthorityGraph.Edge;
import b8g.host.manifest.AuthorityGraph.Node;

/**
 * An {@link AuthorityGraph} as Graphviz DOT, for {@code b8g check --graph} ({@code dot -Tsvg}
 * renders it). Ids are the graph's own ({@code c0}, ...); every label is user data (names, paths,
 * patterns) and goes out as a quoted string in which nothing keeps a meaning of its own: a quote
 * and a backslash are escaped (so no {@code \N}, {@code \l} or {@code \G} is ever read), a line
 * end becomes DOT's centred line break, another control character or a lone surrogate becomes
 * U+FFFD, and {@code &} becomes {@code &amp;}, since Graphviz passes entity references through to
 * its SVG (an {@code &#1;} there would make the SVG malformed XML). Stateless.
 */
public final class DotWriter {
  private DotWriter() {}

  /** {@code graph} as one DOT digraph, ending with a newline. */
  public static String write(AuthorityGraph graph) {
    StringBuilder out = new StringBuilder();
    out.append("digraph b8g {\n");
    out.append("  rankdir=LR;\n");
    out.append("  graph [fontname=\"Helvetica\", fontsize=11];\n");
    out.append("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    java.util.Set<String> clustered = new java.util.HashSet<>();
    for (Cluster k : graph.clusters()) {
      out.append("  subgraph ").append(k.id()).append(" {\n");
      out.append("    label=").append(quoted(k.label())).append(";\n");
      out.append("    style=\"rounded,dashed\";\n");
      for (String m : k.members()) {
        for (Node n : graph.nodes()) {
          if (n.id().equals(m)) {
            out.append("    ").append(node(n)).append('\n');
            clustered.add(m);
          }
        }
      }
      out.append("  }\n");
    }
    for (Node n : graph.nodes()) {
      if (!clustered.contains(n.id())) {
        out.append("  ").append(node(n)).append('\n');
      }
    }
    for (Edge e : graph.edges()) {
      out.append("  ").append(e.from()).append(" -> ").append(e.to()).append(" [label=").append(quoted(e.label()));
      switch (e.kind()) {
        case SERVICE -> out.append(", style=bold, color=\"#1f6fb2\"");
        case LINK -> out.append(", style=dashed, color=\"#b2491f\"");
        default -> { }
      }
      out.append("];\n");
    }
    out.append("}\n");
    return out.toString();
  }

  private static String node(Node n) {
    String shape = switch (n.kind()) {
      case COMPONENT -> "box, style=\"rounded,filled\", fillcolor=\"#e8f0fe\"";
      case REGION -> "box3d";
      case CHANNEL -> "cds";
      case FILE -> "note";
      case DIRECTORY -> "folder";
      case SERVICE -> "component";
      case HOST -> "hexagon";
      case APPLICATION -> "doubleoctagon";
    };
    return n.id() + " [label=" + quoted(String.join("\n", n.label())) + ", shape=" + shape + "];";
  }

  /** {@code text} as a DOT quoted string meaning exactly that text (see the class comment). */
  static String quoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '&') {
        out.append("&amp;");
      } else if (c < 0x20 || c == 0x7f) {
        out.append('\uFFFD');
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(c).append(text.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
