package b8g.memory;

import static b8g.memory.RingDescriptor.HEADER_LENGTH;
import static b8g.memory.RingDescriptor.TYPE_BYTES;
import static b8g.memory.RingDescriptor.TYPE_END;
import static b8g.memory.RingDescriptor.TYPE_PADDING;
import static b8g.memory.RingDescriptor.TYPE_TEXT;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * The producing end of a {@link Ring}. One thread at a time (it keeps its position in plain fields).
 *
 * <p>The writer's own tail is the truth; the head it reads from shared memory is checked before it
 * is used (a multiple of 8, never backwards, never past tail), so a hostile reader can only cause a
 * {@code channel.corrupt} error, never an out-of-range write.
 *
 * <p>Memory ordering: payload and header are plain stores; the tail store is volatile, so a reader
 * that loads tail (volatile, or {@code Atomics.load} in JS) sees the whole record. The tail store is
 * volatile rather than merely ordered because it is the first half of a Dekker pair: after it the
 * writer loads {@code readerWaiting}, while a waiting reader stores that flag and then loads tail.
 * Both stores being sequentially consistent is what guarantees that at least one of the two sees
 * the other, so a wake-up is never lost.
 */
public final class RingWriter implements AutoCloseable {
  /** How long {@link #close()} waits for room for the END record. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final Ring ring;
  private final BytesStore<?, ?> bytes;
  private final int capacity;
  private final int mask;
  private final int maxPayload;
  private final long tailAt;
  private final long headAt;
  private final long readerWaitingAt;
  private final long writerWaitingAt;
  private final long readerStateAt;
  private final long writtenAt;

  private final ByteBuffer view;

  private int tail;
  private int headCache;
  private int need;
  private int claimed;
  private long written;
  private boolean closed;
  private volatile Thread waiter;

  RingWriter(Ring ring, BytesStore<?, ?> bytes, int capacity) {
    this.ring = ring;
    this.bytes = bytes;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxPayload = RingDescriptor.maxPayload(capacity);
    this.tailAt = (long) capacity + RingDescriptor.TAIL_OFFSET;
    this.headAt = (long) capacity + RingDescriptor.HEAD_OFFSET;
    this.readerWaitingAt = (long) capacity + RingDescriptor.READER_WAITING_OFFSET;
    this.writerWaitingAt = (long) capacity + RingDescriptor.WRITER_WAITING_OFFSET;
    this.readerStateAt = (long) capacity + RingDescriptor.READER_STATE_OFFSET;
    this.writtenAt = (long) capacity + RingDescriptor.MESSAGES_WRITTEN_OFFSET;
    // Read once: from here on the tail lives in this field and is only ever written to memory.
    int startTail = bytes.readVolatileInt(tailAt);
    int startHead = bytes.readVolatileInt(headAt);
    int used = startTail - startHead;
    if ((startTail & 7) != 0 || (startHead & 7) != 0 || used < 0 || used > capacity) {
      throw MemoryErrors.channelCorrupt(
          "writer attached with tail " + Integer.toUnsignedString(startTail) + " and head "
              + Integer.toUnsignedString(startHead)
              + " (must be multiples of 8, 0 <= tail - head <= capacity " + capacity + ")");
    }
    this.tail = startTail;
    this.headCache = startHead;
    // A writer that takes over a stream continues its count.
    this.written = RingDescriptor.readCount(bytes, writtenAt);
    this.view = ring.region().byteBuffer();
    ring.onWritable(this::unparkWaiter);
  }

  /**
   * Zero-copy from a descriptor: claims room for a BYTES record of up to {@code max} payload bytes
   * (at most {@link #maxPayload()}), reads from {@code source} straight into that record, and
   * publishes what was read. No byte array in between: the channel reads into a view of the
   * ring's own memory.
   *
   * <p>When the ring has less room than {@code max} the record is made smaller, but never smaller
   * than {@code min(max, maxPayload, capacity / 8)}, so a nearly full ring does not turn a stream
   * into many tiny records: below that it counts as full. A blocking {@code source} blocks this
   * thread in {@code read} until some bytes (or the end) arrive.
   *
   * @return bytes read and published (&gt; 0), 0 if the ring is full (nothing read; {@link
   *     #armWait()} and park) or the source gave nothing now (a non-blocking source), -1 at the end
   *     of the source (nothing published; write END with {@link #close(Duration)})
   * @throws IOException from {@code source.read}; nothing was published
   * @throws b8g.errors.B8gException {@code channel.closed}, {@code channel.broken} (the reader is
   *     gone for good), {@code channel.corrupt} (hostile head)
   */
  public int offerFrom(ReadableByteChannel source, int max) throws IOException {
    if (closed) {
      throw MemoryErrors.channelClosed();
    }
    if (max <= 0) {
      throw new IllegalArgumentException("max must be positive, got " + max);
    }
    int want = Math.min(max, maxPayload);
    int at = claimUpTo(want, Math.min(want, capacity / 8));
    if (at < 0) {
      return 0;
    }
    int room = claimed;
    ByteBuffer into = view.limit(at + HEADER_LENGTH + room).position(at + HEADER_LENGTH);
    int n = source.read(into);
    if (n > 0) {
      publish(at, n, TYPE_BYTES);
    }
    // Nothing read: the claim is simply not published. A PADDING record claim() may have written
    // stays in the local tail and is published with the next record.
    return n;
  }

  /**
   * Messages (BYTES and TEXT records) published through this ring so far, counting those of writers
   * before this one; END is not counted. The count this end stores in the producer line (see
   * {@link RingDescriptor}); another thread reads it with {@link Ring#messagesWritten()}.
   */
  public long messagesWritten() {
    return written;
  }

  /** Largest payload accepted. */
  public int maxPayload() {
    return maxPayload;
  }

  /**
   * Appends one message if there is room now.
   *
   * @param type {@link RingDescriptor#TYPE_BYTES} or {@link RingDescriptor#TYPE_TEXT}
   * @return false if the ring is full (nothing was written)
   * @throws b8g.errors.B8gException {@code channel.too_large} if longer than {@link #maxPayload()},
   *     {@code channel.type}, {@code channel.closed}, {@code channel.corrupt} (hostile head),
   *     {@code channel.broken} (the reader is gone for good: nothing written would be read)
   */
  public boolean offer(byte[] payload, int type) {
    return offer(payload, 0, payload.length, type);
  }

  /** As {@link #offer(byte[], int)}, for {@code length} bytes of {@code payload} from {@code offset}. */
  public boolean offer(byte[] payload, int offset, int length, int type) {
    Objects.checkFromIndexSize(offset, length, payload.length);
    checkType(type);
    int at = claim(length);
    if (at < 0) {
      return false;
    }
    if (length > 0) {
      bytes.write(at + HEADER_LENGTH, payload, offset, length);
    }
    publish(at, length, type);
    return true;
  }

  /**
   * As {@link #offer(byte[], int)}, for the bytes between {@code payload}'s position and limit. The
   * buffer's position is not changed.
   */
  public boolean offer(ByteBuffer payload, int type) {
    checkType(type);
    int length = payload.remaining();
    int at = claim(length);
    if (at < 0) {
      return false;
    }
    if (length > 0) {
      bytes.write(at + HEADER_LENGTH, payload, payload.position(), length);
    }
    publish(at, length, type);
    return true;
  }

  /**
   * Appends one message, waiting up to {@code timeout} for room.
   *
   * @return false if the timeout passed first (nothing was written)
   * @throws b8g.errors.B8gException as {@link #offer(byte[], int)}, or {@code channel.interrupted}
   *     (the thread's interrupt flag stays set)
   */
  public boolean write(byte[] payload, int type, Duration timeout) {
    checkType(type);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!offer(payload, type)) {
      if (!await(deadline)) {
        return false;
      }
    }
    return true;
  }

  /** As {@link #write(byte[], int, Duration)} for the remaining bytes of a buffer. */
  public boolean write(ByteBuffer payload, int type, Duration timeout) {
    checkType(type);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!offer(payload, type)) {
      if (!await(deadline)) {
        return false;
      }
    }
    return true;
  }

  /**
   * After a failed offer: sets {@code writerWaiting}, then re-checks. True means there is now room
   * for the message that did not fit (retry at once, the flag is cleared again); false means the
   * reader will signal ({@link Ring#wakeWriter()}) after it next consumes.
   */
  public boolean armWait() {
    // Volatile store then volatile load of head: the reader's side of this Dekker pair is its head
    // store followed by a load of writerWaiting.
    bytes.writeVolatileInt(writerWaitingAt, 1);
    refreshHead();
    if (capacity - (tail - headCache) >= need) {
      bytes.writeVolatileInt(writerWaitingAt, 0);
      return true;
    }
    return false;
  }

  /**
   * Writes END if there is room now, and then closes this end; without room nothing changes
   * ({@link #armWait()} and park, then try again). Unlike {@link #close(Duration)} a failure leaves
   * the writer open, so a pump can wait for room for as long as the reader lives.
   *
   * @return true once END is in the ring (also when it already was)
   */
  public boolean offerEnd() {
    if (closed) {
      return true;
    }
    int at = claim(0);
    if (at < 0) {
      return false;
    }
    publish(at, 0, TYPE_END);
    closed = true;
    return true;
  }

  /**
   * Writes END, waiting up to {@code timeout} for room, and closes this end. Idempotent.
   *
   * @return true if END is in the ring, false if the timeout passed first (the writer is closed
   *     all the same; the reader will not see an END)
   */
  public boolean close(Duration timeout) {
    if (closed) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (;;) {
        int at = claim(0);
        if (at >= 0) {
          publish(at, 0, TYPE_END);
          return true;
        }
        if (!await(deadline)) {
          return false;
        }
      }
    } finally {
      closed = true;
    }
  }

  /**
   * Writes END (waiting up to {@link #CLOSE_TIMEOUT} for room) and closes this end.
   *
   * @throws b8g.errors.B8gException {@code channel.timeout} if END could not be written in time
   */
  @Override
  public void close() {
    if (!close(CLOSE_TIMEOUT)) {
      throw new b8g.errors.B8gException(
          b8g.errors.B8gException.Category.MEMORY,
          "channel.timeout",
          "channel writer closed without END: the ring stayed full for " + CLOSE_TIMEOUT
              + "; is the reader still running?");
    }
  }

  /** Parks until signalled or the deadline; false if the deadline has passed. */
  private boolean await(long deadline) {
    waiter = Thread.currentThread();
    try {
      if (armWait()) {
        return true;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return false;
      }
      LockSupport.parkNanos(this, remaining);
      if (Thread.currentThread().isInterrupted()) {
        throw MemoryErrors.interrupted();
      }
      return true;
    } finally {
      waiter = null;
    }
  }

  private void unparkWaiter() {
    Thread thread = waiter;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  private void checkType(int type) {
    if (closed) {
      throw MemoryErrors.channelClosed();
    }
    if (type != TYPE_BYTES && type != TYPE_TEXT) {
      throw MemoryErrors.badType(type);
    }
  }

  /**
   * Reserves room for a record with {@code length} payload bytes, writing a PADDING record first if
   * the record would cross the end. Returns the record's index, or -1 if the ring is full (then
   * nothing was written and {@link #need} holds the bytes required).
   */
  private int claim(int length) {
    if (length > maxPayload) {
      throw MemoryErrors.tooLarge(length, maxPayload);
    }
    if (bytes.readVolatileInt(readerStateAt) != 0) {
      throw MemoryErrors.channelBroken(true);
    }
    int size = RingDescriptor.recordLength(length);
    int index = tail & mask;
    int toEnd = capacity - index;
    // A record and its padding together fit in an empty ring because size <= capacity / 2.
    int required = size <= toEnd ? size : toEnd + size;
    if (capacity - (tail - headCache) < required) {
      refreshHead();
      if (capacity - (tail - headCache) < required) {
        need = required;
        return -1;
      }
    }
    if (size > toEnd) {
      bytes.writeInt(index + 4L, TYPE_PADDING);
      bytes.writeInt(index, toEnd - HEADER_LENGTH);
      tail += toEnd;
      index = 0;
    }
    return index;
  }

  /**
   * As {@link #claim}, for a record of at most {@code length} and at least {@code least} payload
   * bytes: as many as fit now (left in {@link #claimed}). Returns -1 when not even {@code least}
   * fits ({@link #need} then holds the bytes required for {@code least}).
   */
  private int claimUpTo(int length, int least) {
    if (bytes.readVolatileInt(readerStateAt) != 0) {
      throw MemoryErrors.channelBroken(true);
    }
    refreshHead();
    int free = capacity - (tail - headCache);
    int index = tail & mask;
    int toEnd = capacity - index;
    int fits;
    if (toEnd >= free) {
      fits = free - HEADER_LENGTH; // the free room is contiguous, up to the end at most
    } else {
      // Room before the end, or (after padding to the end) from index 0.
      fits = Math.max(toEnd, free - toEnd) - HEADER_LENGTH;
    }
    fits &= ~7;
    int length0 = Math.min(length, fits);
    if (length0 < least) {
      int size = RingDescriptor.recordLength(least);
      need = size <= toEnd ? size : toEnd + size;
      return -1;
    }
    // Prefer no padding: if the record fits before the end, it goes there.
    int take = length0 + HEADER_LENGTH <= toEnd ? length0 : Math.min(length0, free - toEnd - HEADER_LENGTH);
    if (take < least) {
      take = Math.min(length0, toEnd - HEADER_LENGTH);
    }
    claimed = take;
    return claim(take);
  }

  private void publish(int index, int length, int type) {
    bytes.writeInt(index + 4L, type);
    bytes.writeInt(index, length);
    tail += RingDescriptor.recordLength(length);
    if (type != TYPE_END) {
      // A plain store: the volatile tail store below orders it.
      RingDescriptor.writeCount(bytes, writtenAt, ++written);
    }
    bytes.writeVolatileInt(tailAt, tail);
    if (bytes.readVolatileInt(readerWaitingAt) != 0) {
      bytes.writeVolatileInt(readerWaitingAt, 0);
      ring.wakeReader();
    }
  }

  /** Re-reads head and checks it against what this writer knows to be possible. */
  private void refreshHead() {
    int head = bytes.readVolatileInt(headAt);
    int advanced = head - headCache;
    if ((head & 7) != 0) {
      throw MemoryErrors.channelCorrupt(
          "head " + Integer.toUnsignedString(head) + " is not a multiple of 8");
    }
    if (advanced < 0) {
      throw MemoryErrors.channelCorrupt(
          "head moved backwards from " + Integer.toUnsignedString(headCache) + " to "
              + Integer.toUnsignedString(head));
    }
    if (advanced > tail - headCache) {
      throw MemoryErrors.channelCorrupt(
          "head " + Integer.toUnsignedString(head) + " is beyond tail "
              + Integer.toUnsignedString(tail));
    }
    headCache = head;
  }
}
