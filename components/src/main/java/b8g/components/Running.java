package b8g.components;

import java.time.Duration;

/**
 * A started component as whoever supervises it sees it, wherever its isolate is: a
 * {@link Component} in this JVM, or one in another process (the host's worker processes). What
 * supervision and closing need of both.
 */
public interface Running {
  String name();

  /** How it ended, or null while it runs. */
  Component.ExitStatus status();

  /** Ends it (asynchronously); its end is reported as TERMINATED with {@code reason}. */
  void terminate(String reason);

  /** Waits until its {@code main(env)} has been called: true, or false if it ended first or the time passed. */
  boolean awaitStarted(Duration timeout) throws InterruptedException;

  /** Waits for its end: the status, or null if the time passed first. */
  Component.ExitStatus awaitExit(Duration timeout) throws InterruptedException;
}
