package b8g.components;

/**
 * The clock behind a component's {@code performance.now()}: this process's monotonic clock, read
 * on the Unix epoch's scale and rounded down to 0.1 ms. Monotonic within a process; a component
 * restored in another process compares it with the first process's reading only roughly (the
 * prelude never lets {@code performance.now()} go back). The step keeps a component from timing
 * single cache misses (Spectre); workerd freezes time within a turn instead, Deno coarsens too.
 */
final class HostClock {
  private static final long STEP_NANOS = 100_000;
  /** The epoch time and the monotonic time of one moment. */
  private static final long EPOCH_MILLIS = System.currentTimeMillis();
  private static final long BASE_NANOS = System.nanoTime();

  private HostClock() {}

  static double millis() {
    long steps = (System.nanoTime() - BASE_NANOS) / STEP_NANOS;
    return EPOCH_MILLIS + steps / 10.0;
  }
}
