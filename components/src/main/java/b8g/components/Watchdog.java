package b8g.components;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One CPU watchdog for all components of an engine: every 10 ms it looks at each running turn,
 * and a turn past its component's CPU limit is terminated ({@link LimitEnforcer#check}).
 */
final class Watchdog {
  private final Set<LimitEnforcer> watched = ConcurrentHashMap.newKeySet();

  Watchdog(ScheduledExecutorService scheduler) {
    scheduler.scheduleAtFixedRate(this::look, 10, 10, TimeUnit.MILLISECONDS);
  }

  void watch(LimitEnforcer limits) {
    watched.add(limits);
  }

  void forget(LimitEnforcer limits) {
    watched.remove(limits);
  }

  private void look() {
    long now = System.nanoTime();
    for (LimitEnforcer l : watched) {
      try {
        l.check(now);
      } catch (RuntimeException e) {
        // One component's failed look never stops the watchdog for the others.
      }
    }
  }
}
