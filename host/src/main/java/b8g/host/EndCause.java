package b8g.host;

import b8g.components.Component.ExitStatus;
import b8g.components.Component.Outcome;

/**
 * Why a component ended, as a stable code for events ({@code cause} of {@code exited},
 * {@code failed} and {@code terminated}): {@code limit.cpu}, {@code limit.heap},
 * {@code limit.offheap}, {@code deadlock}, {@code main.rejected}, {@code uncaught}, ... An end's
 * reason is text written where the end happened (the components' limits, the host's supervision,
 * a worker); this reads the cause from the outcome and from the beginnings the host writes, never
 * from text a component chose: a non-success {@code EXITED} is always {@code main.rejected} and a
 * failure beginning {@code "uncaught "} always {@code uncaught}, whatever message follows (a
 * corrupt channel shows there, in the reason, as the error the component did not handle). A new
 * reason that matches none gets the outcome's generic code ({@code terminated}, {@code error})
 * rather than a wrong one. {@code EndCauseTest} pins the texts of real ends. Stateless.
 */
final class EndCause {
  private EndCause() {}

  /** The cause code of {@code status}. */
  static String of(ExitStatus status) {
    String r = status.reason() == null ? "" : status.reason();
    if (status.outcome() == Outcome.TERMINATED) {
      if (r.startsWith("CPU limit exceeded")) {
        return "limit.cpu";
      }
      // "off-heap budget of N MiB exceeded" contains "heap budget": test it first.
      if (r.startsWith("off-heap budget")) {
        return "limit.offheap";
      }
      if (r.startsWith("heap budget") || r.startsWith("heap reached")) {
        return "limit.heap";
      }
      if (r.startsWith("deadlock:")) {
        return "deadlock";
      }
      if (r.startsWith("terminated by ")) {
        return "parent.terminate";
      }
      if (r.startsWith("parent ")) {
        return "parent.ended";
      }
      if (r.equals("host shutting down")) {
        return "host.shutdown";
      }
      if (r.startsWith("replaced after its script changed")) {
        return "script.changed";
      }
      if (r.startsWith("a snapshot action did not finish") || r.startsWith("could not continue after a snapshot")) {
        return "snapshot.failed";
      }
      if (r.equals("interrupted")) {
        return "interrupted";
      }
      return "terminated";
    }
    if (status.success()) {
      return "exit";
    }
    // The text after these beginnings can be the component's own (a rejection's or an uncaught
    // error's message): so the cause comes from where the host produced the end, never from a
    // match inside that text. A non-success EXITED is only ever main's promise settling.
    if (status.outcome() == Outcome.EXITED) {
      return "main.rejected";
    }
    if (r.startsWith("uncaught ")) {
      return "uncaught";
    }
    if (r.startsWith("could not start")) {
      return "start.failed";
    }
    if (r.startsWith("restart failed") || r.startsWith("restart after change failed")) {
      return "restart.failed";
    }
    if (r.startsWith("host error")) {
      return "host.error";
    }
    // Written by the host when a worker process ended; the code in parentheses is the host's own.
    if (r.startsWith("worker ")) {
      return r.contains("; worker.forged: ") ? "worker.forged" : r.contains("; worker.garbage: ") ? "worker.garbage" : "worker.died";
    }
    return "error";
  }
}
