package b8g.memory.counters;

import java.util.List;

/**
 * What the 16 longs of a record's values block mean, by the record's type id: one definition for
 * the host that writes them, {@code b8g top} and the metrics endpoint that read them. A column's
 * index is its long in the block; line 0 (0-7) has one writer (the owner's thread, or the host's
 * sampler for a channel), line 1 (8-15) the host. Indices not listed are reserved and read 0.
 */
public enum CounterType {
  /** The host itself: components by state, and what supervision did. Written by the host's threads. */
  HOST(1, List.of(
      new Column(8, "components", "manifest components", Column.Kind.GAUGE),
      new Column(9, "running", "components running now", Column.Kind.GAUGE),
      new Column(10, "exited", "components that exited with code 0 and will not restart", Column.Kind.GAUGE),
      new Column(11, "failed", "components that failed for good", Column.Kind.GAUGE),
      new Column(12, "terminated", "components terminated for good", Column.Kind.GAUGE),
      new Column(13, "grants", "grant events: manifest grants at every start (restarts too), grants to children, files opened, snapshots written, secrets rotated", Column.Kind.COUNTER),
      new Column(14, "links", "links made", Column.Kind.COUNTER),
      new Column(15, "refused_links", "links refused (wrong secret, nothing exported)", Column.Kind.COUNTER))),

  /**
   * A manifest component (in process or in a worker), one record for all its restarts. Line 0 is
   * stored by the component's own thread at the end of each turn (or copied from the worker's
   * block by the host's sampler); line 1 by the host as supervision sees starts and ends.
   */
  COMPONENT(2, List.of(
      new Column(0, "turns", "turns run", Column.Kind.COUNTER),
      new Column(1, "cpu_ns", "CPU time of its thread, up to the start of its last turn, nanoseconds", Column.Kind.COUNTER),
      new Column(2, "heap_bytes", "heap used, as last measured (at a turn end or after a GC)", Column.Kind.GAUGE),
      new Column(3, "heap_budget_bytes", "heap budget", Column.Kind.GAUGE),
      new Column(4, "off_heap_bytes", "memory it made outside its heap (ArrayBuffers, WebAssembly), as last measured", Column.Kind.GAUGE),
      new Column(5, "off_heap_budget_bytes", "off-heap budget", Column.Kind.GAUGE),
      new Column(6, "timers", "live timers", Column.Kind.GAUGE),
      new Column(7, "queued_turns", "turns queued and not yet run (due timers, wake-ups, answered calls)", Column.Kind.GAUGE),
      new Column(8, "state", "1 starting, 2 running, 3 exited, 4 failed, 5 terminated", Column.Kind.GAUGE),
      new Column(9, "restarts", "restarts by the restart policy", Column.Kind.COUNTER),
      new Column(10, "terminations_cpu", "terminations for the CPU limit of a turn", Column.Kind.COUNTER),
      new Column(11, "terminations_heap", "terminations for the heap budget (or the engine's heap limit)", Column.Kind.COUNTER),
      new Column(12, "terminations_off_heap", "terminations for the off-heap budget", Column.Kind.COUNTER),
      new Column(13, "terminations_other", "terminations for any other reason (the host, a deadlock, a worker's end)", Column.Kind.COUNTER),
      new Column(14, "failures", "ends by an uncaught error or a rejected main", Column.Kind.COUNTER),
      new Column(15, "worker_pid", "the worker process it runs in, 0 in the host's JVM", Column.Kind.GAUGE))),

  /**
   * A manifest channel, sampled from its ring's memory by the host every 100 ms (nothing is added
   * to the channel's hot path). The message counts are the ends' own (ring format 1.2: each end
   * stores its count next to the position it publishes), copied like the byte positions.
   */
  CHANNEL(3, List.of(
      new Column(0, "bytes_written", "bytes the writer published (records, their headers and padding)", Column.Kind.COUNTER),
      new Column(1, "bytes_read", "bytes the reader consumed", Column.Kind.COUNTER),
      new Column(2, "fill_bytes", "bytes published and not yet consumed", Column.Kind.GAUGE),
      new Column(3, "capacity_bytes", "the ring's data area", Column.Kind.GAUGE),
      new Column(4, "writer_waits", "times the writer waited for room and was woken", Column.Kind.COUNTER),
      new Column(5, "reader_waits", "times the reader waited for a message and was woken", Column.Kind.COUNTER),
      new Column(6, "messages_written", "messages the writer published (END and padding not counted)", Column.Kind.COUNTER),
      new Column(7, "messages_read", "messages the reader consumed", Column.Kind.COUNTER),
      new Column(8, "writer_gone", "1 once the writer's holder ended for good", Column.Kind.GAUGE),
      new Column(9, "reader_gone", "1 once the reader's holder ended for good", Column.Kind.GAUGE)));

  /** The messages written and read per end, in a CHANNEL block. */
  public static final int CHANNEL_MESSAGES_WRITTEN = 6;
  public static final int CHANNEL_MESSAGES_READ = 7;

  /** Component states (COMPONENT column 8). */
  public static final int STARTING = 1;
  public static final int RUNNING = 2;
  public static final int EXITED = 3;
  public static final int FAILED = 4;
  public static final int TERMINATED = 5;

  /** One long of a values block: its index, a name for tables and metrics, what it counts. */
  public record Column(int index, String name, String help, Kind kind) {
    /** COUNTER only grows (over the owner's life); GAUGE is a level. */
    public enum Kind { COUNTER, GAUGE }
  }

  private final int id;
  private final List<Column> columns;

  CounterType(int id, List<Column> columns) {
    this.id = id;
    this.columns = columns;
  }

  public int id() {
    return id;
  }

  public List<Column> columns() {
    return columns;
  }

  /** The column named {@code name}, or null. */
  public Column column(String name) {
    for (Column c : columns) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** The type with this id, or null for an id this build does not know. */
  public static CounterType of(int id) {
    for (CounterType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    return null;
  }

  /** A component state's name ("running"), or "-" for none. */
  public static String stateName(long state) {
    return switch ((int) state) {
      case STARTING -> "starting";
      case RUNNING -> "running";
      case EXITED -> "exited";
      case FAILED -> "failed";
      case TERMINATED -> "terminated";
      default -> "-";
    };
  }
}
