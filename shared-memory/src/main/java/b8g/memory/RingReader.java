package b8g.memory;

import static b8g.memory.RingDescriptor.HEADER_LENGTH;
import static b8g.memory.RingDescriptor.TYPE_END;
import static b8g.memory.RingDescriptor.TYPE_PADDING;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * The consuming end of a {@link Ring}. One thread at a time (it keeps its position in plain fields).
 *
 * <p>The reader's own head is the truth. Everything it reads from shared memory is checked before
 * use: published bytes {@code tail - head} in [0, capacity] and a multiple of 8; each record's
 * length, type and extent within both the published bytes and the data area; PADDING only where it
 * fills exactly to the end. A hostile writer therefore causes {@code channel.corrupt}, never a loop
 * or an out-of-range read.
 *
 * <p>Memory ordering: the volatile load of tail makes every record before it visible (the writer
 * stores tail last, volatile), so record headers and payloads are read with plain loads. Consuming
 * stores head (volatile) and then loads {@code writerWaiting}: the Dekker pair that, with the
 * writer's flag store and head re-load, guarantees no lost wake-up.
 *
 * <p>After END has been read, this end is finished: {@link #poll()} returns null, and {@link
 * #take(Duration)} returns null at once.
 */
public final class RingReader {
  /** Receives a record in place; see {@link #read(Handler)}. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Called with the record's payload at {@code bytes[offset .. offset + length)}. The bytes are
     * only valid during the call: the writer may overwrite them as soon as it returns.
     */
    void onRecord(int type, BytesStore<?, ?> bytes, long offset, int length);
  }

  private final BytesStore<?, ?> bytes;
  private final Ring ring;
  private final int capacity;
  private final int mask;
  private final int maxPayload;
  private final long tailAt;
  private final long headAt;
  private final long readerWaitingAt;
  private final long writerWaitingAt;
  private final long writerStateAt;
  private final long readAt;

  private int head;
  private int tailCache;
  private int recordType;
  private int recordLength;
  private int recordSize;
  private boolean ended;
  private int written;
  private long consumed;
  private final ByteBuffer view;
  private volatile Thread waiter;

  RingReader(Ring ring, BytesStore<?, ?> bytes, int capacity) {
    this.ring = ring;
    this.bytes = bytes;
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxPayload = RingDescriptor.maxPayload(capacity);
    this.tailAt = (long) capacity + RingDescriptor.TAIL_OFFSET;
    this.headAt = (long) capacity + RingDescriptor.HEAD_OFFSET;
    this.readerWaitingAt = (long) capacity + RingDescriptor.READER_WAITING_OFFSET;
    this.writerWaitingAt = (long) capacity + RingDescriptor.WRITER_WAITING_OFFSET;
    this.writerStateAt = (long) capacity + RingDescriptor.WRITER_STATE_OFFSET;
    this.readAt = (long) capacity + RingDescriptor.MESSAGES_READ_OFFSET;
    // Read once: from here on the head lives in this field and is only ever written to memory.
    int startHead = bytes.readVolatileInt(headAt);
    if ((startHead & 7) != 0) {
      throw MemoryErrors.channelCorrupt(
          "reader attached with head " + Integer.toUnsignedString(startHead)
              + ", not a multiple of 8");
    }
    this.head = startHead;
    this.tailCache = startHead;
    // A reader that takes over a stream continues its count.
    this.consumed = RingDescriptor.readCount(bytes, readAt);
    this.view = ring.region().byteBuffer();
    ring.onReadable(this::unparkWaiter);
  }

  /**
   * Zero-copy to a descriptor: writes the next record's payload (BYTES or TEXT, as its bytes)
   * from the ring's memory straight to {@code sink}, and consumes the record once all of it is
   * written. A sink that takes only part (a non-blocking socket, a pipe with little room) leaves
   * the record in the ring; the next call continues where this one stopped. END is consumed and
   * reported as -1 with {@link #isEnded()} true.
   *
   * @return payload bytes written by this call (0 when the sink took nothing now), or -1 when the
   *     ring is empty or END was read ({@link #isEnded()} tells which)
   * @throws IOException from {@code sink.write} (a closed pipe: EPIPE); the record stays
   * @throws b8g.errors.B8gException {@code channel.corrupt}, or {@code channel.broken} (the writer
   *     is gone without END and everything it wrote was read)
   */
  public int writeTo(WritableByteChannel sink) throws IOException {
    int index = next();
    if (index < 0) {
      return -1;
    }
    if (recordType == TYPE_END) {
      written = 0;
      consume();
      return -1;
    }
    int from = index + HEADER_LENGTH;
    int end = from + recordLength;
    ByteBuffer out = view.limit(end).position(from + written);
    int total = 0;
    while (out.hasRemaining()) {
      int n = sink.write(out);
      if (n <= 0) {
        written += total;
        return total;
      }
      total += n;
    }
    written = 0;
    consume();
    return total;
  }

  /**
   * Messages (BYTES and TEXT records) consumed from this ring so far, counting those of readers
   * before this one; END is not counted. The count this end stores in the consumer line (see
   * {@link RingDescriptor}); another thread reads it with {@link Ring#messagesRead()}.
   */
  public long messagesRead() {
    return consumed;
  }

  /** True once END has been read. */
  public boolean isEnded() {
    return ended;
  }

  /**
   * Takes the next message if one is published, copying its payload.
   *
   * @return the message, or null if the ring is empty (or END was already read)
   * @throws b8g.errors.B8gException {@code channel.corrupt} if the writer wrote impossible values;
   *     {@code channel.broken} if the ring is empty and its writer is gone without an END
   */
  public Message poll() {
    int index = next();
    if (index < 0) {
      return null;
    }
    byte[] payload = new byte[recordLength];
    if (recordLength > 0) {
      bytes.read(index + HEADER_LENGTH, payload, 0, recordLength);
    }
    Message message = new Message(recordType, payload);
    consume();
    return message;
  }

  /**
   * Zero-copy: hands the next record to {@code handler} in place, then consumes it. If the handler
   * throws, the record is not consumed.
   *
   * @return false if the ring was empty (the handler was not called)
   */
  public boolean read(Handler handler) {
    int index = next();
    if (index < 0) {
      return false;
    }
    handler.onRecord(recordType, bytes, index + (long) HEADER_LENGTH, recordLength);
    consume();
    return true;
  }

  /**
   * Takes the next message, waiting up to {@code timeout} for one to be published.
   *
   * @return the message, or null if the timeout passed or END was already read
   * @throws b8g.errors.B8gException {@code channel.corrupt}, {@code channel.broken} (the writer is
   *     gone and everything it wrote was read), or {@code channel.interrupted} (the thread's
   *     interrupt flag stays set)
   */
  public Message take(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (;;) {
      Message message = poll();
      if (message != null || ended) {
        return message;
      }
      waiter = Thread.currentThread();
      try {
        if (armWait()) {
          continue;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return null;
        }
        LockSupport.parkNanos(this, remaining);
        if (Thread.currentThread().isInterrupted()) {
          throw MemoryErrors.interrupted();
        }
      } finally {
        waiter = null;
      }
    }
  }

  /**
   * After {@link #poll()} found nothing: sets {@code readerWaiting}, then re-checks tail. True means
   * data arrived meanwhile (poll again; the flag is cleared again); false means the writer will
   * signal ({@link Ring#wakeReader()}) after it next publishes.
   */
  public boolean armWait() {
    // Volatile store, then volatile load of tail: the writer's side of the Dekker pair is its tail
    // store followed by a load of readerWaiting.
    bytes.writeVolatileInt(readerWaitingAt, 1);
    if (bytes.readVolatileInt(tailAt) != head) {
      bytes.writeVolatileInt(readerWaitingAt, 0);
      return true;
    }
    return false;
  }

  private void unparkWaiter() {
    Thread thread = waiter;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Finds the next BYTES/TEXT/END record, skipping padding, and checks it. Returns its index with
   * {@link #recordType}, {@link #recordLength}, {@link #recordSize} set, or -1 if nothing is
   * published.
   */
  private int next() {
    if (ended) {
      return -1;
    }
    for (;;) {
      int available = tailCache - head;
      if (available == 0) {
        int tail = bytes.readVolatileInt(tailAt);
        available = tail - head;
        if (available == 0) {
          if (bytes.readVolatileInt(writerStateAt) == 0) {
            return -1;
          }
          // The writer is gone: whatever it published before is visible now; read that first.
          tail = bytes.readVolatileInt(tailAt);
          available = tail - head;
          if (available == 0) {
            throw MemoryErrors.channelBroken(false);
          }
        }
        if (available < 0 || available > capacity || (available & 7) != 0) {
          throw MemoryErrors.channelCorrupt(
              "tail " + Integer.toUnsignedString(tail) + " is impossible for head "
                  + Integer.toUnsignedString(head) + " (published bytes must be a multiple of 8 in"
                  + " 0 .. capacity " + capacity + ")");
        }
        tailCache = tail;
      }
      int index = head & mask;
      int length = bytes.readInt(index);
      int type = bytes.readInt(index + 4L);
      if (type < TYPE_PADDING || type > TYPE_END) {
        throw MemoryErrors.channelCorrupt("record type " + type + " at index " + index);
      }
      if (length < 0 || length > capacity - HEADER_LENGTH) {
        throw MemoryErrors.channelCorrupt("record length " + length + " at index " + index);
      }
      int size = RingDescriptor.recordLength(length);
      if (size > available) {
        throw MemoryErrors.channelCorrupt(
            "record at index " + index + " needs " + size + " bytes but only " + available
                + " are published");
      }
      if (index + size > capacity) {
        throw MemoryErrors.channelCorrupt(
            "record at index " + index + " of " + size + " bytes crosses the end of the data area");
      }
      if (type == TYPE_PADDING) {
        if (index + size != capacity) {
          throw MemoryErrors.channelCorrupt(
              "padding at index " + index + " of " + size + " bytes does not fill to the end");
        }
        // Published at once, so a writer waiting for exactly this room is not held up.
        head += size;
        bytes.writeVolatileInt(headAt, head);
        continue;
      }
      if (length > maxPayload) {
        throw MemoryErrors.channelCorrupt(
            "record length " + length + " at index " + index + " exceeds maxPayload " + maxPayload);
      }
      if (type == TYPE_END && length != 0) {
        throw MemoryErrors.channelCorrupt("END record at index " + index + " has a payload");
      }
      recordType = type;
      recordLength = length;
      recordSize = size;
      return index;
    }
  }

  private void consume() {
    head += recordSize;
    if (recordType == TYPE_END) {
      ended = true;
    } else {
      // A plain store: the volatile head store below orders it.
      RingDescriptor.writeCount(bytes, readAt, ++consumed);
    }
    bytes.writeVolatileInt(headAt, head);
    if (bytes.readVolatileInt(writerWaitingAt) != 0) {
      bytes.writeVolatileInt(writerWaitingAt, 0);
      ring.wakeWriter();
    }
  }
}
