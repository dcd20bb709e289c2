package b8g.bench;

import b8g.components.Component;
import b8g.memory.Message;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Bounded waits that watch the components they depend on. Every wait is cut into short slices;
 * between two slices the watched components are checked ({@link Component#status()}), and one that
 * has ended stops the wait at once with a {@link FigureFailed} naming it and its reason. A wait
 * that reaches its bound fails the same way. Nothing in the bench waits for a component the
 * platform has already ended, and nothing waits without a bound.
 */
final class Watch {
  /** How often a waiting thread looks at the components it depends on. */
  static final Duration SLICE = Duration.ofMillis(20);
  /** How long ending components is given after they were asked to stop. */
  static final Duration GRACE = Duration.ofSeconds(10);

  private Watch() {}

  /** The bound of one wait: {@code b8g.bench.timeout} seconds (120, or 60 in smoke mode). */
  static Duration bound() {
    return Duration.ofSeconds(Long.getLong("b8g.bench.timeout", Bench.smoke() ? 60 : 120));
  }

  /** "name ended: OUTCOME, code N: reason" for an ended component, "name is running" otherwise. */
  static String describe(Component c) {
    Component.ExitStatus s = c.status();
    if (s == null) {
      return c.name() + " is still running";
    }
    return c.name() + " ended: " + s.outcome() + ", code " + s.code() + ": " + s.reason();
  }

  /** Each component and how it stands; with many, the ended ones and a count of the others. */
  private static String describeAll(Component... cs) {
    List<String> parts = new ArrayList<>();
    int running = 0;
    int ended = 0;
    for (Component c : cs) {
      if (cs.length <= 4 || c.status() != null && parts.size() < 4) {
        parts.add(describe(c));
      } else if (c.status() == null) {
        running++;
      } else {
        ended++;
      }
    }
    if (ended > 0) {
      parts.add(ended + " more ended");
    }
    if (running > 0) {
      parts.add(running + " other(s) still running");
    }
    return String.join("; ", parts);
  }

  /** Throws if any of {@code cs} has ended, naming every component and how it stands. */
  static void requireRunning(String waitingFor, Component... cs) {
    for (Component c : cs) {
      if (c.status() != null) {
        throw new FigureFailed("while waiting for " + waitingFor + ", " + describeAll(endedFirst(cs)));
      }
    }
  }

  /** The ended components first, so the line starts with the cause. */
  private static Component[] endedFirst(Component... cs) {
    List<Component> out = new ArrayList<>();
    for (Component c : cs) {
      if (c.status() != null) {
        out.add(c);
      }
    }
    for (Component c : cs) {
      if (c.status() == null) {
        out.add(c);
      }
    }
    return out.toArray(new Component[0]);
  }

  /**
   * What a wait looks at between two slices: it throws a {@link FigureFailed} naming what has ended
   * and why, while waiting for {@code waitingFor}, once a party the wait depends on has ended.
   */
  interface Liveness {
    void require(String waitingFor);
  }

  /** The liveness of components of this process: all must be running ({@link #requireRunning}). */
  static Liveness running(Component... watched) {
    return what -> requireRunning(what, watched);
  }

  /**
   * The next message of {@code r}, waiting at most {@code bound}, while every component of
   * {@code watched} is running. END (the channel closed before the message came) fails too, with
   * the end of whichever watched component closed it, if it ends within {@link #GRACE}.
   */
  static Message take(RingReader r, String what, Duration bound, Component... watched) throws InterruptedException {
    return take(r, what, bound, running(watched), () -> describeAll(watched));
  }

  /**
   * As {@link #take(RingReader, String, Duration, Component...)} for any parties: {@code alive}
   * fails the wait once one has ended; {@code state} says how they stand, for the message.
   */
  static Message take(RingReader r, String what, Duration bound, Liveness alive, Supplier<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    for (;;) {
      Message m = r.take(slice(deadline));
      if (m != null && !m.isEnd()) {
        return m;
      }
      if (m != null || r.isEnded()) {
        // Whoever closed it is ending: give it a moment, so the failure names it and its reason.
        long grace = System.nanoTime() + GRACE.toNanos();
        while (System.nanoTime() - grace < 0) {
          alive.require(what);
          Thread.sleep(SLICE.toMillis());
        }
        throw new FigureFailed("the channel carrying " + what + " was closed before it came; " + state.get());
      }
      alive.require(what);
      if (System.nanoTime() - deadline >= 0) {
        throw new FigureFailed("gave up waiting for " + what + " after " + bound.toSeconds() + " s; " + state.get());
      }
    }
  }

  /** Writes one message to {@code w}, waiting for room at most {@code bound}, as {@link #take}. */
  static void write(RingWriter w, byte[] payload, int type, String what, Duration bound, Component... watched) {
    write(w, payload, type, what, bound, running(watched), () -> describeAll(watched));
  }

  /** As {@link #write(RingWriter, byte[], int, String, Duration, Component...)} for any parties. */
  static void write(RingWriter w, byte[] payload, int type, String what, Duration bound, Liveness alive,
      Supplier<String> state) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!w.write(payload, type, slice(deadline))) {
      alive.require("room for " + what);
      if (System.nanoTime() - deadline >= 0) {
        throw new FigureFailed("gave up waiting for room for " + what + " after " + bound.toSeconds() + " s; " + state.get());
      }
    }
  }

  /** Waits, bounded, until {@code c} has run {@code main}; fails if it ended or did not start. */
  static void awaitStarted(Component c, Duration bound) throws InterruptedException {
    if (!c.awaitStarted(bound)) {
      throw new FigureFailed(c.name() + " did not start within " + bound.toSeconds() + " s");
    }
    if (c.status() != null) {
      throw new FigureFailed(c.name() + " did not start: " + describe(c));
    }
  }

  /**
   * Waits, bounded, for every component of {@code cs} to end. As soon as one has ended without
   * success, the others are terminated: a peer blocked on a dead channel end would wait for ever.
   * Components still running at the bound are terminated too, then given {@link #GRACE}.
   *
   * @return true if all have ended (their memory may be released)
   */
  static boolean end(Duration bound, Component... cs) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    for (;;) {
      Component running = null;
      Component failed = null;
      for (Component c : cs) {
        Component.ExitStatus s = c.status();
        if (s == null) {
          running = running == null ? c : running;
        } else if (!s.success()) {
          failed = failed == null ? c : failed;
        }
      }
      if (running == null) {
        return true;
      }
      if (failed != null) {
        return terminate("its peer " + failed.name() + " ended (" + failed.status().reason() + ")", cs);
      }
      if (System.nanoTime() - deadline >= 0) {
        return terminate("it did not end within " + bound.toSeconds() + " s", cs);
      }
      running.awaitExit(slice(deadline));
    }
  }

  /**
   * Terminates every component of {@code cs} still running ("bench: " + why) and waits up to
   * {@link #GRACE} (plus 20 ms a component) for all to end. Returns true if all have ended.
   */
  static boolean terminate(String why, Component... cs) throws InterruptedException {
    for (Component c : cs) {
      if (c.status() == null) {
        c.terminate("bench: " + why);
      }
    }
    // Ending an isolate takes a moment; many of them on a busy machine take a while.
    return awaitAllEnded(GRACE.plusMillis(20L * cs.length), cs);
  }

  private static boolean awaitAllEnded(Duration bound, Component... cs) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    for (Component c : cs) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || c.awaitExit(Duration.ofNanos(left)) == null) {
        return false;
      }
    }
    return true;
  }

  private static Duration slice(long deadline) {
    long left = Math.max(deadline - System.nanoTime(), 0);
    return Duration.ofNanos(Math.min(left, SLICE.toNanos()));
  }
}
