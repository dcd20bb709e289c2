package b8g.components;

import b8g.memory.counters.CounterBlock;

/**
 * Stores a component's own figures into line 0 of its counters block ({@link
 * b8g.memory.counters.CounterType#COMPONENT}) at the end of each turn, on the component's thread:
 * eight release stores of values the conductor already holds, no lock, no system call (the CPU
 * figure is the reading the watchdog's turn mark took). Line 1 belongs to the host. Turns and CPU
 * count over every instance the block has seen: a restarted component goes on from the figures
 * its previous instance left.
 */
final class ComponentCounters {
  private final CounterBlock block;
  private final Conductor conductor;
  /** What earlier instances of the component (before a restart) left: turns and CPU go on from there. */
  private final long turnsBefore;
  private final long cpuBefore;

  ComponentCounters(CounterBlock block, Conductor conductor, long budgetBytes) {
    this.block = block;
    this.conductor = conductor;
    this.turnsBefore = block.get(0);
    this.cpuBefore = block.get(1);
    block.set(3, budgetBytes);
    block.set(5, budgetBytes); // the off-heap budget is as large as the heap budget
  }

  /** At a turn end, with {@code queued} turns waiting. Component thread only. */
  void turnEnded(int queued) {
    LimitEnforcer limits = conductor.limits();
    block.set(0, turnsBefore + limits.turns());
    block.set(1, cpuBefore + limits.cpuNanos());
    block.set(2, limits.memory().lastHeap());
    block.set(4, limits.memory().lastOffHeap());
    block.set(6, conductor.timers().live());
    block.set(7, queued);
  }

  /** At the component's end: the CPU of its last turn too (one clock reading, once). */
  void ended() {
    block.set(1, cpuBefore + conductor.limits().cpuNanosNow());
    block.set(6, 0);
    block.set(7, 0);
  }
}
