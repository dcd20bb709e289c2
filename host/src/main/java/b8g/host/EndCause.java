package b8g.host;

import b8g.components.Component.ExitStatus;
import b8g.components.Component.Outcome;

/**
 * Why a component ended, as a stable code for events ({@code cause} of {@code exited},
 * {@code failed} and {@code terminated}): {@code limit.cpu}, {@code limit.heap},
 * {@code limit.offheap}, {@code channel.corrupt}, {@code deadlock}, ... An end's reason is text
 * written where the end happened (the components' limits, the host's supervision, a worker); this
 * reads the cause from the beginnings those places write, so a new reason that matches none gets
 * the outcome's generic code ({@code terminated}, {@code error}, {@code main.rejected}) rather than
 * a wrong one. {@code EndCauseTest} pins the texts of real ends. Stateless.
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
    // Failures: an error the component did not handle, or the host's side of it.
    if (r.contains("channel corrupt")) {
      return "channel.corrupt";
    }
    if (r.startsWith("worker")) {
      return r.contains("worker.forged") ? "worker.forged" : r.contains("worker.garbage") ? "worker.garbage" : "worker.died";
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
    if (r.startsWith("uncaught ")) {
      return "uncaught";
    }
    return status.outcome() == Outcome.EXITED ? "main.rejected" : "error";
  }
}
