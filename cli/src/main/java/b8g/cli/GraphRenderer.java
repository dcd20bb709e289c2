package b8g.cli;

import b8g.errors.B8gException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Renders DOT to SVG with Graphviz's {@code dot -Tsvg} ({@code b8g check --graph=svg}): the
 * command {@code dot} on the PATH, or the one property {@code b8g.dot} names. Without Graphviz it
 * fails with how to install it; the DOT itself needs nothing ({@code --graph}).
 */
final class GraphRenderer {
  /** How long dot may take; a manifest's graph renders in well under a second. */
  private static final long TIMEOUT_SECONDS = 60;

  private GraphRenderer() {}

  /** {@code dot} rendered as an SVG document. */
  static String svg(String dot) {
    String command = System.getProperty("b8g.dot", "dot");
    Process p;
    try {
      p = new ProcessBuilder(command, "-Tsvg").redirectError(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "graph.no_graphviz", "--graph=svg needs Graphviz's " + command
          + " command, which could not be run (" + e.getMessage() + "); install Graphviz (Debian, Ubuntu: "
          + "apt-get install graphviz) or print DOT with --graph and render it elsewhere");
    }
    ByteArrayOutputStream svg = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // Its stderr is drained beside stdout, so neither pipe can fill and stall dot.
    Thread drainErr = new Thread(() -> drain(p.getErrorStream(), err), "b8g-dot-stderr");
    drainErr.setDaemon(true);
    drainErr.start();
    try {
      try (OutputStream in = p.getOutputStream()) {
        in.write(dot.getBytes(StandardCharsets.UTF_8));
      }
      p.getInputStream().transferTo(svg);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new B8gException(B8gException.Category.IO, "graph.render", command + " -Tsvg did not finish within "
            + TIMEOUT_SECONDS + " s");
      }
      drainErr.join();
    } catch (IOException e) {
      p.destroyForcibly();
      throw new B8gException(B8gException.Category.IO, "graph.render", command + " -Tsvg failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new B8gException(B8gException.Category.IO, "graph.render", "interrupted while " + command + " -Tsvg ran");
    }
    if (p.exitValue() != 0) {
      throw new B8gException(B8gException.Category.IO, "graph.render", command + " -Tsvg exited with " + p.exitValue()
          + ": " + err.toString(StandardCharsets.UTF_8).strip());
    }
    return svg.toString(StandardCharsets.UTF_8);
  }

  private static void drain(InputStream in, ByteArrayOutputStream to) {
    try (in) {
      in.transferTo(to);
    } catch (IOException e) {
      // dot's own messages are lost; its exit code still says whether it rendered.
    }
  }
}
