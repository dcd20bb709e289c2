package b8g.host;

import b8g.components.Component;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Tells when a host can make no more progress: every live component is quiet ({@link
 * Component#quiet()}: no turn running or queued, no timer, not paused), none has run a turn since
 * the last look, and nothing outside the components could wake one (the caller says so: no watch,
 * no Java-held channel end, no snapshot under way). Such a host would wait for ever; Go reports the
 * same state as "all goroutines are asleep - deadlock!".
 *
 * <p>The looks are racy one by one (a component may be between taking a task and starting its
 * turn), so a report needs {@link #LOOKS} consecutive looks that agree, turn counts unchanged. Not
 * thread-safe: one thread looks (the host's sampler).
 */
final class DeadlockDetector {
  /** Consecutive agreeing looks before a deadlock is reported. */
  static final int LOOKS = 3;

  private Map<Component, Long> lastTurns = Map.of();
  private int agreeing;

  /**
   * One look. {@code live} is every component that has not ended, {@code outsideCanWake} whether
   * anything but the components could still wake one, {@code waitsOn} names what a component
   * waits on (empty: nothing a component could provide). Returns the report (who waits on what)
   * once the host has been stuck for {@link #LOOKS} looks, else null.
   */
  String look(List<Component> live, boolean outsideCanWake, Function<Component, List<String>> waitsOn) {
    Map<Component, Long> turns = new HashMap<>();
    boolean stuck = !live.isEmpty() && !outsideCanWake;
    for (Component c : live) {
      if (!stuck) {
        break;
      }
      turns.put(c, c.turns());
      stuck = c.quiet();
    }
    if (!stuck || !turns.equals(lastTurns)) {
      agreeing = stuck ? 1 : 0;
      lastTurns = stuck ? turns : Map.of();
      return null;
    }
    if (++agreeing < LOOKS) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (Component c : live) {
      List<String> what = waitsOn.apply(c);
      parts.add(c.name() + (what.isEmpty()
          ? " waits on nothing that can happen (a promise no event will settle)"
          : " waits to " + String.join(" and to ", what)));
    }
    return "every component is blocked: " + String.join("; ", parts);
  }
}
