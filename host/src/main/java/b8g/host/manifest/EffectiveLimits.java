package b8g.host.manifest;

/**
 * The limits a component runs with, after falling back from the component's own to the manifest's
 * {@code default_limits}, then to {@link #HOST_DEFAULT}, field by field.
 */
public record EffectiveLimits(int heapMib, int cpuMsPerTurn) {
  /** The host's defaults: 64 MiB of heap, 1000 ms per turn. */
  public static final EffectiveLimits HOST_DEFAULT = new EffectiveLimits(64, 1000);

  /** Accepted range of {@code heap_mib}. */
  public static final int MAX_HEAP_MIB = 4096;

  /** Accepted range of {@code cpu_ms_per_turn}. */
  public static final int MAX_CPU_MS_PER_TURN = 600_000;

  public EffectiveLimits {
    if (heapMib < 1 || heapMib > MAX_HEAP_MIB || cpuMsPerTurn < 1 || cpuMsPerTurn > MAX_CPU_MS_PER_TURN) {
      throw new IllegalArgumentException("limits out of range: heap " + heapMib + " MiB, cpu " + cpuMsPerTurn + " ms");
    }
  }

  /** The heap budget in bytes. */
  public long heapBytes() {
    return (long) heapMib << 20;
  }
}
