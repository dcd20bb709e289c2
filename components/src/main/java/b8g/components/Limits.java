package b8g.components;

/**
 * What one component may use: JS heap (and as much again off-heap, see {@link MemoryBudget}) and
 * CPU per turn. The one place the defaults and the accepted ranges live: the component's
 * {@link Component.Context}, the manifest's {@code limits} and the host's children all take them
 * from here.
 *
 * @param heapBytes the heap budget in bytes, at least {@link #MIN_HEAP_BYTES}
 * @param cpuMillisPerTurn the CPU time one turn may take, at least 1 ms
 */
public record Limits(long heapBytes, long cpuMillisPerTurn) {
  /** 64 MiB of heap, 1000 ms per turn: what a component gets when nobody says otherwise. */
  public static final Limits DEFAULT = new Limits(64L << 20, 1000);

  /** The smallest heap budget a component can run in. */
  public static final long MIN_HEAP_BYTES = 1L << 20;

  /** The largest {@code heap_mib} a manifest may ask for. */
  public static final int MAX_HEAP_MIB = 4096;

  /** The largest {@code cpu_ms_per_turn} a manifest may ask for. */
  public static final int MAX_CPU_MS_PER_TURN = 600_000;

  public Limits {
    if (heapBytes < MIN_HEAP_BYTES || cpuMillisPerTurn < 1) {
      throw new ComponentException("component.config",
          "heap budget must be at least 1 MiB and the CPU limit at least 1 ms (got " + heapBytes + " bytes, " + cpuMillisPerTurn + " ms)");
    }
  }

  /**
   * Limits in a manifest's units, range-checked as a manifest is.
   *
   * @throws IllegalArgumentException when either is outside 1..{@link #MAX_HEAP_MIB} MiB or
   *     1..{@link #MAX_CPU_MS_PER_TURN} ms
   */
  public static Limits of(int heapMib, int cpuMsPerTurn) {
    if (heapMib < 1 || heapMib > MAX_HEAP_MIB || cpuMsPerTurn < 1 || cpuMsPerTurn > MAX_CPU_MS_PER_TURN) {
      throw new IllegalArgumentException("limits out of range: heap " + heapMib + " MiB, cpu " + cpuMsPerTurn + " ms");
    }
    return new Limits((long) heapMib << 20, cpuMsPerTurn);
  }

  /** The heap budget in whole MiB (rounded down). */
  public int heapMib() {
    return (int) (heapBytes >> 20);
  }
}
