package b8g.components;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetGCCallback;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One component's limits on its isolate: the memory budget's hooks (GC epilogue sampling,
 * near-heap-limit), the turn marks the CPU {@link Watchdog} reads, and the CPU time the platform
 * excuses. Every limit ends the component the same way: {@link Conductor#stop}.
 */
final class LimitEnforcer {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private final Conductor conductor;
  private final long cpuMillisPerTurn;
  private final MemoryBudget memory;
  private IJavetGCCallback gcCallback;
  private volatile long turnStartedNanos;
  private volatile long turnCpuStartNanos;
  private volatile long turns;
  /** Thread CPU time at the first turn's start (-1 before it) and at the last turn's start. */
  private long cpuBaseNanos = -1;
  private long cpuAtTurnStartNanos;

  LimitEnforcer(Conductor conductor, Limits limits, LongSupplier sharedBytes) {
    this.conductor = conductor;
    this.cpuMillisPerTurn = limits.cpuMillisPerTurn();
    this.memory = new MemoryBudget(limits.heapBytes(), sharedBytes, conductor::stop, this::excuseCpu);
  }

  /** The memory budget (the dispatcher's memory operations use it). */
  MemoryBudget memory() {
    return memory;
  }

  /** Puts the limits on a fresh (or freshly restored) isolate. */
  void install(V8Runtime rt) {
    // Rejections are the component's business (main's promise carries its outcome); without this
    // callback Javet would log every unhandled rejection as a host warning.
    rt.setPromiseRejectCallback((event, promise, value) -> { });
    // Heap and off-heap budgets count what is live after a full GC (MemoryBudget).
    gcCallback = memory.gcCallback(rt);
    rt.addGCEpilogueCallback(gcCallback);
    rt.setNearHeapLimitCallback((current, initial) -> {
      conductor.stop("heap reached the engine's limit of " + (current >> 20) + " MiB");
      // Room to unwind; the termination stops the component before it uses it.
      return current + (64L << 20);
    });
  }

  /**
   * Stops sampling the heap after GCs. The sample asks for heap statistics, which Javet answers
   * through an isolate interrupt when the isolate is busy; one landing during createSnapshot
   * crashed the JVM (SIGSEGV, intermittent), so a snapshot stops it first.
   */
  void pauseSampling(V8Runtime rt) {
    rt.removeGCEpilogueCallback(gcCallback);
  }

  /** Samples after GCs again (the snapshot did not happen, or failed before V8 was asked). */
  void resumeSampling(V8Runtime rt) {
    rt.addGCEpilogueCallback(gcCallback);
  }

  /** Measures what the turn left live (the budget's turn-end check). */
  void afterTurn(V8Runtime rt, GuestEntry guest) throws JavetException {
    memory.afterTurn(rt, () -> guest.wasmCommitted(rt));
  }

  /** Marks the start of a turn (or of host-driven JS) for the watchdog: wall clock and thread CPU. */
  void beginTurn() {
    turns++; // only the component's thread writes it
    long cpu = CPU.getCurrentThreadCpuTime();
    if (cpuBaseNanos < 0) {
      cpuBaseNanos = cpu;
    }
    cpuAtTurnStartNanos = cpu;
    turnCpuStartNanos = cpu;
    turnStartedNanos = System.nanoTime();
  }

  /** No turn runs now (between turns, or parked). */
  void endTurn() {
    turnStartedNanos = 0;
  }

  boolean inTurn() {
    return turnStartedNanos != 0;
  }

  /**
   * CPU time of the component's thread from its first turn's start to its last turn's start (no
   * new reading: the one the watchdog's mark took). Component thread only.
   */
  long cpuNanos() {
    return cpuBaseNanos < 0 ? 0 : cpuAtTurnStartNanos - cpuBaseNanos;
  }

  /** As {@link #cpuNanos()}, up to now (one reading of the thread's CPU clock). Component thread only. */
  long cpuNanosNow() {
    return cpuBaseNanos < 0 ? 0 : CPU.getCurrentThreadCpuTime() - cpuBaseNanos;
  }

  /** Turns begun so far. */
  long turns() {
    return turns;
  }

  /**
   * CPU time the platform spent on this component's thread for itself (a memory budget's full GC)
   * does not count against the turn: its start moves on by that much. Component thread only.
   */
  private void excuseCpu(long nanos) {
    turnCpuStartNanos += nanos;
  }

  /**
   * The watchdog's look at {@code now}. The limit is on CPU time, not wall time: a turn that waits
   * for a core (busy siblings on a small machine) or on the host's output is not the component's
   * fault. Wall time is only a pre-filter, and a backstop at ten times the limit.
   */
  @SuppressWarnings("deprecation") // Thread.getId: threadId() exists only from Java 19
  void check(long now) {
    long started = turnStartedNanos;
    long limit = TimeUnit.MILLISECONDS.toNanos(cpuMillisPerTurn);
    Thread t = conductor.thread();
    if (started == 0 || now - started <= limit || t == null) {
      return;
    }
    long cpu = CPU.getThreadCpuTime(t.getId()) - turnCpuStartNanos;
    if (turnStartedNanos == started && (cpu > limit || now - started > 10 * limit)) {
      conductor.stop("CPU limit exceeded: a turn ran longer than " + cpuMillisPerTurn + " ms");
    }
  }
}
