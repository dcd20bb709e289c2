package b8g.memory.counters;

import static b8g.memory.counters.CountersDescriptor.LONG;
import static b8g.memory.counters.CountersDescriptor.VALUES;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One record's values block ({@link CountersDescriptor}): 16 longs in shared memory. Stores are
 * single release stores (no lock, no system call), so a reader in another process sees each value
 * whole. {@link #set} assumes one writer per long (a line has one writer: see the descriptor);
 * {@link #add} is an atomic add for longs that several host threads update.
 *
 * <p>A block lives in a counters file, or alone at the start of a small shared region (a worker
 * process's component writes its line 0 there and the host copies it into the file).
 */
public final class CounterBlock {
  private final ByteBuffer buffer;
  private final int base;

  private CounterBlock(ByteBuffer buffer, int base) {
    this.buffer = buffer;
    this.base = base;
  }

  /**
   * The block of 16 longs at {@code offset} of {@code buffer} (a direct buffer; offset 8-byte
   * aligned, 128 bytes within its limit).
   *
   * @throws IllegalArgumentException for an offset out of range or not aligned
   */
  public static CounterBlock at(ByteBuffer buffer, long offset) {
    Objects.requireNonNull(buffer, "buffer");
    if (!buffer.isDirect() || offset < 0 || offset % Long.BYTES != 0 || offset + CountersDescriptor.VALUES_LENGTH > buffer.capacity()) {
      throw new IllegalArgumentException("a counter block needs 128 aligned bytes of a direct buffer, not offset " + offset
          + " of " + buffer.capacity());
    }
    return new CounterBlock(buffer, (int) offset);
  }

  /** Stores {@code value} into long {@code index} (0 .. 15), release ordered. */
  public void set(int index, long value) {
    LONG.setRelease(buffer, offset(index), value);
  }

  /** Adds {@code delta} to long {@code index} atomically. */
  public void add(int index, long delta) {
    LONG.getAndAdd(buffer, offset(index), delta);
  }

  /** Stores {@code value} into long {@code index} if it holds {@code expected}, atomically; true if it did. */
  public boolean compareAndSet(int index, long expected, long value) {
    return LONG.compareAndSet(buffer, offset(index), expected, value);
  }

  /** Long {@code index}, acquire ordered. */
  public long get(int index) {
    return (long) LONG.getAcquire(buffer, offset(index));
  }

  /** Copies longs {@code from} .. {@code to - 1} of {@code source} into this block. */
  public void copyFrom(CounterBlock source, int from, int to) {
    for (int i = from; i < to; i++) {
      set(i, source.get(i));
    }
  }

  private int offset(int index) {
    if (index < 0 || index >= VALUES) {
      throw new IndexOutOfBoundsException("counter " + index + " of " + VALUES);
    }
    return base + index * Long.BYTES;
  }
}
