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

  /** How long the pipes may stay open after dot ended. */
  private static final long DRAIN_MILLIS = 5_000;

  private GraphRenderer() {}

  /** {@code dot} rendered as an SVG document. */
  static String svg(String dot) {
    return svg(dot, System.getProperty("b8g.dot", "dot"), TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
  }

  /**
   * {@code dot} rendered by {@code command -Tsvg}, which is killed when it has not finished within
   * {@code timeoutMillis}: its input is written and its outputs drained on their own threads, so a
   * {@code dot} that never reads or never ends cannot hold the caller past the limit.
   */
  static String svg(String dot, String command, long timeoutMillis) {
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
    // Input, output and error each on their own thread: a full pipe or a dot that never reads
    // blocks only that thread, and the caller waits with a limit.
    Thread feed = daemon("b8g-dot-stdin", () -> {
      try (OutputStream in = p.getOutputStream()) {
        in.write(dot.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // dot closed its input early; its exit code says whether it rendered.
      }
    });
    Thread drainOut = daemon("b8g-dot-stdout", () -> drain(p.getInputStream(), svg));
    Thread drainErr = daemon("b8g-dot-stderr", () -> drain(p.getErrorStream(), err));
    try {
      if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new B8gException(B8gException.Category.IO, "graph.render", command + " -Tsvg did not finish within "
            + timeoutMillis + " ms");
      }
      // dot has ended; its pipes close unless a child of it still holds them: wait a bounded time.
      feed.join(DRAIN_MILLIS);
      drainOut.join(DRAIN_MILLIS);
      drainErr.join(DRAIN_MILLIS);
      if (drainOut.isAlive()) {
        throw new B8gException(B8gException.Category.IO, "graph.render", command
            + " -Tsvg ended but its output stayed open (a process it started still holds it)");
      }
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

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void drain(InputStream in, ByteArrayOutputStream to) {
    try (in) {
      in.transferTo(to);
    } catch (IOException e) {
      // dot's own messages are lost; its exit code still says whether it rendered.
    }
  }
}
