package b8g.components;

import static b8g.components.Protocol.TO_GUEST_TIMER;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A component's pending timers on the host side: each becomes a turn of its loop when due. The
 * prelude keeps what a timer runs; this keeps only when. At most {@link #MAX_TIMERS} pending.
 */
final class Timers {
  /** Pending timers per component; each costs a task on the host's shared scheduler. */
  static final int MAX_TIMERS = 10_000;

  private final Conductor conductor;
  private final Map<Integer, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();
  /** Timers due at once, queued as turns and not yet run (they count against MAX_TIMERS too). */
  private final AtomicInteger due = new AtomicInteger();

  Timers(Conductor conductor) {
    this.conductor = conductor;
  }

  /** Called from JS to schedule timer {@code id} in {@code millis}. */
  void schedule(int id, int millis) {
    if (scheduled.size() + due.get() >= MAX_TIMERS) {
      throw new ComponentException("range", "too many pending timers (" + MAX_TIMERS + "); clear some first");
    }
    if (millis == 0) {
      // Due at once (setTimeout(fn, 0), a stream yielding its turn): straight onto this
      // component's queue. Through the shared scheduler it cost a thread wake-up per yield, which
      // on a busy machine waits for a core (a quarter of a 64 B stream's throughput).
      due.incrementAndGet();
      conductor.post(rt -> {
        due.decrementAndGet();
        conductor.guest().enter(rt, TO_GUEST_TIMER, id);
      });
      return;
    }
    // A short timer may fire before schedule() returns: its task waits for the entry to be in the
    // map before it removes it, or the entry would stay for ever (and count against the limit).
    synchronized (scheduled) {
      scheduled.put(id, Engine.SCHEDULER.schedule(() -> {
        synchronized (scheduled) {
          scheduled.remove(id);
        }
        conductor.post(rt -> conductor.guest().enter(rt, TO_GUEST_TIMER, id));
      }, millis, TimeUnit.MILLISECONDS));
    }
  }

  /** Cancels a timer (clearTimeout): its task leaves the host's scheduler at once. */
  void clear(int id) {
    ScheduledFuture<?> f = scheduled.remove(id);
    if (f != null) {
      f.cancel(false);
    }
  }

  /** True when no timer is pending, scheduled or due. */
  boolean none() {
    return scheduled.isEmpty() && due.get() == 0;
  }

  /** Timers pending now: scheduled, or due and queued (no lock). */
  int live() {
    return scheduled.size() + due.get();
  }

  /** Cancels every pending timer (the component ended). */
  void cancelAll() {
    for (ScheduledFuture<?> t : scheduled.values()) {
      t.cancel(false);
    }
    scheduled.clear();
  }
}
