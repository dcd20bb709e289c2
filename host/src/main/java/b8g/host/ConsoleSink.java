package b8g.host;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The console of components with a log capability: each line goes to the host's log sink as
 * {@code [name] level: text}, at most {@link #LINES_PER_SECOND} lines a component; the rest are
 * dropped and counted in one line when its next second begins. Thread-safe.
 */
final class ConsoleSink {
  /** Console lines a component may write per second; more are dropped and counted. */
  static final int LINES_PER_SECOND = 5_000;

  private final Consumer<String> out;
  /** Per component: {window start (ns), lines in it, lines dropped}. */
  private final Map<Object, long[]> windows = new ConcurrentHashMap<>();

  ConsoleSink(Consumer<String> out) {
    this.out = out;
  }

  /** A line of the component {@code name}; {@code source} is its instance (the key of its window). */
  void log(Object source, String name, String level, String text) {
    long[] w = windows.computeIfAbsent(source, k -> new long[3]);
    long dropped = 0;
    synchronized (w) {
      long now = System.nanoTime();
      if (now - w[0] > 1_000_000_000L) {
        dropped = w[2];
        w[0] = now;
        w[1] = 0;
        w[2] = 0;
      }
      if (++w[1] > LINES_PER_SECOND) {
        w[2]++;
        return;
      }
    }
    if (dropped > 0) {
      out.accept("[" + name + "] warn: " + dropped + " log lines dropped (more than " + LINES_PER_SECOND + " a second)");
    }
    String prefix = "[" + name + "] " + (level.equals("info") || level.equals("debug") ? "" : level + ": ");
    for (String line : text.split("\n", -1)) {
      out.accept(prefix + line);
    }
  }

  /** Drops the window of an ended component. */
  void forget(Object c) {
    windows.remove(c);
  }
}
