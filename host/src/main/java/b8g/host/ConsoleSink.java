package b8g.host;

import b8g.components.ConsoleRate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The console of components with a log capability: each line goes to the host's log sink as
 * {@code [name] level: text}, at most {@link ConsoleRate#LINES_PER_SECOND} lines a component; the
 * rest are dropped and counted in one line when its next second begins. Thread-safe.
 */
final class ConsoleSink {
  /** Console lines a component may write per second; more are dropped and counted. */
  static final int LINES_PER_SECOND = ConsoleRate.LINES_PER_SECOND;

  private final Consumer<String> out;
  private final Map<Object, ConsoleRate> windows = new ConcurrentHashMap<>();

  ConsoleSink(Consumer<String> out) {
    this.out = out;
  }

  /** A line of the component {@code name}; {@code source} is its instance (the key of its window). */
  void log(Object source, String name, String level, String text) {
    long dropped = windows.computeIfAbsent(source, k -> new ConsoleRate()).admit();
    if (dropped < 0) {
      return;
    }
    if (dropped > 0) {
      out.accept("[" + name + "] warn: " + ConsoleRate.droppedLine(dropped));
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
