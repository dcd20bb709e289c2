package b8g.components;

/**
 * How many console lines one component may write: at most {@link #LINES_PER_SECOND} in a window of
 * one second; the rest are dropped and counted, and the count is told once, before the first line
 * of a later window. One rule wherever a component's lines are passed on (the host's console, a
 * worker process on its way to the host). Thread-safe.
 */
public final class ConsoleRate {
  /** Console lines a component may write per second; more are dropped and counted. */
  public static final int LINES_PER_SECOND = 5_000;

  private long windowStart = System.nanoTime();
  private long lines;
  private long dropped;

  /**
   * Accounts for one line now: -1 when it is to be dropped, else how many lines were dropped since
   * the last line passed (to be told before this one; usually 0).
   */
  public synchronized long admit() {
    long now = System.nanoTime();
    long told = 0;
    if (now - windowStart > 1_000_000_000L) {
      told = dropped;
      windowStart = now;
      lines = 0;
      dropped = 0;
    }
    if (++lines > LINES_PER_SECOND) {
      dropped++;
      return -1;
    }
    return told;
  }

  /** The line that tells {@code count} dropped lines (without the component's name). */
  public static String droppedLine(long count) {
    return count + " log lines dropped (more than " + LINES_PER_SECOND + " a second)";
  }
}
