package b8g.components;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetGCCallback;
import com.caoccao.javet.interop.monitoring.V8HeapStatistics;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The memory budget of one component: at most {@code budget} bytes of live JS heap, and at most
 * as many bytes of live memory outside it that the component made itself (ArrayBuffers, resizable
 * ones included, and WebAssembly memories; not the shared memory its capabilities hand it).
 *
 * <p>A component is terminated only for what it keeps. A cheap measurement (V8's heap statistics,
 * plus the WebAssembly memory the prelude reports) over the budget is never enough: it counts
 * garbage V8 has not swept yet (a reader of 64 KiB copies holds none of them, yet V8 showed 78 MiB
 * of ArrayBuffers right after a scavenge). Over budget, a full GC runs and the component is
 * measured again; the reason then says what was live and what was collected. A full GC costs a
 * few milliseconds, and runs only when a cheap measurement is over the budget.
 *
 * <p>Measurements happen at three points, all on the component's thread:
 * <ul>
 *   <li>after a GC (the epilogue callback asks for statistics, which V8 delivers at its next
 *       interrupt check, inside the running turn): this stops a turn that keeps allocating;</li>
 *   <li>after a turn, when a GC ran since the last check, the component holds growable memory, or
 *       {@link #CHECK_EVERY_NANOS} passed: allocations that no GC noticed yet, and WebAssembly
 *       memory, which V8 does not count as external memory and whose growth triggers no GC;</li>
 *   <li>when the prelude asks ({@link #collectForReservation}) before it refuses a reservation.</li>
 * </ul>
 *
 * <p>The prelude keeps the ceiling on growable memory (WebAssembly memories, resizable
 * ArrayBuffers): see components/README.md. Not thread-safe: every method runs on the component's
 * thread (GC callbacks and V8 interrupts included).
 */
final class MemoryBudget {
  /** A component that allocates without any GC noticing is still measured this often, at turn ends. */
  static final long CHECK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * A full GC to confirm a reading over the budget runs at most this often ({@link
   * #CONFIRM_FAR_EVERY_NANOS} when the reading is over twice the budget). A stream of copies makes garbage at gigabytes a second, and V8's own
   * GCs collect it; confirming every reading ran 10 to 17 full GCs (2 to 10 ms each) per 50,000
   * copies of 64 KiB. The price: a component may hold up to twice its budget for this long
   * before it is stopped. Property {@code b8g.budget.confirmEveryMs} (for measurements).
   */
  static final long CONFIRM_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("b8g.budget.confirmEveryMs", 100));

  /** Over twice the budget, confirmations may come this often (a fast hoarder is stopped soon). */
  static final long CONFIRM_FAR_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final long MIB = 1L << 20;

  private final long budget;
  private final LongSupplier sharedBytes;
  private final Consumer<String> terminate;
  /** Told the thread CPU time each full GC of ours took: the component's CPU limit excuses it. */
  private final LongConsumer excuse;
  private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

  /** Turn ends seen; a statistics sample asked for in an earlier turn says nothing about this one. */
  private int turn;
  /** A GC ran since the last turn-end check. */
  private boolean gcSinceCheck;
  private long lastCheckNanos;
  /** The prelude holds (or held) growable memory: every turn end asks it how much is committed. */
  private boolean growableInUse;
  /** Committed bytes of WebAssembly memory, as the prelude last reported them. */
  private long wasmBytes;
  /** True while this class runs a full GC from inside a turn (in a V8 interrupt). */
  private boolean collecting;
  /** What was measured just before that full GC, to report what it collected. */
  private Usage beforeCollect;
  /** The turn in which the prelude last had a full GC run for it (at most one per turn). */
  private int collectedForPreludeInTurn = -1;
  private boolean ended;
  /** When the last full GC that confirmed a reading began (0: none yet). */
  private long lastConfirmNanos;
  /** Full GCs this budget ran (for tests and benchmarks: what the budget costs). */
  private int collections;
  /** The last measurement's heap and off-heap bytes (for counters; component thread only). */
  private long lastHeap;
  private long lastOffHeap;

  /**
   * @param budget bytes allowed on the heap, and (separately) outside it
   * @param sharedBytes bytes of shared memory handed to the component (counted by V8 as its
   *     external memory, but not its own allocation)
   * @param terminate ends the component with the given reason (from inside a turn too)
   */
  MemoryBudget(long budget, LongSupplier sharedBytes, Consumer<String> terminate, LongConsumer excuse) {
    this.excuse = excuse;
    this.budget = budget;
    this.sharedBytes = sharedBytes;
    this.terminate = terminate;
  }

  /** What one measurement found; {@code wasm} is committed WebAssembly memory. */
  record Usage(long heap, long buffers, long wasm) {
    long offHeap() {
      return buffers + wasm;
    }
  }

  /** Reads the committed bytes of the component's WebAssembly memories (a call into its prelude). */
  @FunctionalInterface
  interface WasmMeter {
    long committed() throws JavetException;
  }

  /**
   * The GC epilogue callback for {@code rt}. It only asks for statistics: V8 answers at its next
   * interrupt check, on this thread, where {@link #sampled} may run a full GC (not inside a GC
   * callback, where V8 forbids one).
   */
  IJavetGCCallback gcCallback(V8Runtime rt) {
    return (type, flags) -> {
      gcSinceCheck = true;
      // A sample asked for during our own full GC measures what survived it, if it arrives in
      // the same turn (a later turn may have allocated since).
      boolean afterCollect = collecting;
      int askedIn = turn;
      rt.getV8HeapStatistics().thenAccept(s -> sampled(rt, s, afterCollect && askedIn == turn));
    };
  }

  /** A statistics sample delivered inside a turn (a V8 interrupt) or, rarely, at once. */
  private void sampled(V8Runtime rt, V8HeapStatistics s, boolean afterCollect) {
    if (ended) {
      return;
    }
    Usage u = usage(s);
    if (!over(u)) {
      return;
    }
    if (afterCollect) {
      exceeded(u, beforeCollect);
      return;
    }
    if (collecting || !dueForConfirmation(u)) {
      return;
    }
    // V8 allows a GC at an interrupt check (it runs its own GC requests there). The epilogue
    // callbacks of this GC ask for the samples that confirm or clear this one.
    beforeCollect = u;
    collecting = true;
    collections++;
    try {
      collect(rt);
    } finally {
      collecting = false;
    }
  }

  /**
   * At the end of a turn, with no JS running (V8 then answers statistics at once): measures if
   * anything may have changed, and terminates the component if it keeps more than its budget
   * after a full GC.
   */
  void afterTurn(V8Runtime rt, WasmMeter wasm) throws JavetException {
    turn++;
    long now = System.nanoTime();
    if (ended || (!gcSinceCheck && !growableInUse && now - lastCheckNanos < CHECK_EVERY_NANOS)) {
      return;
    }
    gcSinceCheck = false;
    lastCheckNanos = now;
    Usage u = measure(rt, wasm);
    if (u == null || !over(u) || !dueForConfirmation(u)) {
      return;
    }
    collections++;
    collect(rt);
    Usage live = measure(rt, wasm);
    if (live != null && over(live)) {
      exceeded(live, u);
    }
  }

  /**
   * The prelude is about to create growable memory (a WebAssembly memory or a resizable
   * ArrayBuffer): from now on every turn end measures it. Returns the budget in bytes.
   */
  long reserve() {
    growableInUse = true;
    return budget;
  }

  /**
   * A full GC for the prelude, which holds growable memory only through weak references: before
   * it refuses a reservation it lets the collector find the ones no longer reachable. At most
   * once per turn, so a loop of refused reservations does not run one GC per attempt.
   */
  void collectForReservation(V8Runtime rt) {
    if (collectedForPreludeInTurn != turn) {
      collectedForPreludeInTurn = turn;
      collections++;
      collect(rt);
    }
  }

  /**
   * A full GC on the component's thread. Its CPU time is the platform's, not the component's: the
   * turn's CPU limit excuses it (a text stream whose turn ran a few of these was terminated for
   * "a turn ran longer than 1000 ms").
   */
  private void collect(V8Runtime rt) {
    long cpu = CPU.getCurrentThreadCpuTime();
    try {
      rt.lowMemoryNotification();
    } finally {
      excuse.accept(CPU.getCurrentThreadCpuTime() - cpu);
    }
  }

  /** Full GCs run so far for this budget. */
  int collections() {
    return collections;
  }

  private Usage measure(V8Runtime rt, WasmMeter wasm) throws JavetException {
    if (growableInUse) {
      wasmBytes = wasm.committed();
    }
    // Answered at once when no JS runs; if not, this check is skipped rather than waited for.
    V8HeapStatistics s = rt.getV8HeapStatistics().getNow(null);
    return s == null ? null : usage(s);
  }

  private Usage usage(V8HeapStatistics s) {
    Usage u = new Usage(s.getUsedHeapSize(), Math.max(0, s.getExternalMemory() - sharedBytes.getAsLong()), wasmBytes);
    lastHeap = u.heap();
    lastOffHeap = u.offHeap();
    return u;
  }

  /** Heap bytes as last measured (at a turn end or after a GC), 0 before the first measurement. */
  long lastHeap() {
    return lastHeap;
  }

  /** Off-heap bytes as last measured, 0 before the first measurement. */
  long lastOffHeap() {
    return lastOffHeap;
  }

  /**
   * Whether a reading over the budget is confirmed by a full GC now: when it is over twice the
   * budget, or none ran for {@link #CONFIRM_EVERY_NANOS}. Records the confirmation when true.
   */
  private boolean dueForConfirmation(Usage u) {
    long now = System.nanoTime();
    boolean far = u.heap() > 2 * budget || u.offHeap() > 2 * budget;
    if (lastConfirmNanos != 0 && now - lastConfirmNanos < (far ? CONFIRM_FAR_EVERY_NANOS : CONFIRM_EVERY_NANOS)) {
      return false;
    }
    lastConfirmNanos = now;
    return true;
  }

  private boolean over(Usage u) {
    return u.heap() > budget || u.offHeap() > budget;
  }

  private void exceeded(Usage live, Usage before) {
    ended = true;
    terminate.accept(reason(live, before));
  }

  /** "off-heap budget of 64 MiB exceeded: 78 MiB live after a full GC (3 MiB collected; ...)". */
  String reason(Usage live, Usage before) {
    if (live.heap() > budget) {
      return String.format(Locale.ROOT, "heap budget of %s MiB exceeded: %s MiB live after a full GC (%s MiB collected)",
          mib(budget), mib(live.heap()), mib(before == null ? 0 : Math.max(0, before.heap() - live.heap())));
    }
    return String.format(Locale.ROOT, "off-heap budget of %s MiB exceeded: %s MiB live after a full GC (%s MiB collected;"
            + " %s MiB of ArrayBuffers, %s MiB of WebAssembly memory)",
        mib(budget), mib(live.offHeap()), mib(before == null ? 0 : Math.max(0, before.offHeap() - live.offHeap())),
        mib(live.buffers()), mib(live.wasm()));
  }

  /**
   * Whole MiB when exact, else two decimals rounded up, so what is over a budget never reads as
   * the budget itself ("16.01 MiB live", not "16.0").
   */
  private static String mib(long bytes) {
    return bytes % MIB == 0 ? Long.toString(bytes / MIB) : String.format(Locale.ROOT, "%.2f", Math.ceil(bytes * 100.0 / MIB) / 100);
  }
}
