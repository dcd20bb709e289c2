package b8g.memory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * A single-producer single-consumer message ring laid out as {@link RingDescriptor} says, over a
 * {@link Region} of {@code capacity + 512} bytes. This object is where the two ends meet inside a
 * process: it hands out at most one {@link RingWriter} and one {@link RingReader}, and holds the
 * two wake-up hooks.
 *
 * <p>Either end may instead be JavaScript (ring.js, see {@link RingScript}) on another thread. The
 * host then installs the hooks: {@link #onReadable} is what wakes the reader (a Java reader installs
 * an unparking hook itself; for a JS reader the host installs one that schedules the component),
 * {@link #onWritable} the same for the writer. When a JS end reports that the other side was waiting
 * (offer returned 2, or {@code r.wake}), the host calls {@link #wakeReader()} / {@link
 * #wakeWriter()}.
 *
 * <p>The ring does not own the region: close the region after both ends have stopped.
 */
public final class Ring {
  private static final Runnable NONE = () -> {};

  private final Region region;
  private final BytesStore<?, ?> bytes;
  private final int capacity;
  private final AtomicBoolean writerTaken = new AtomicBoolean();
  private final AtomicBoolean readerTaken = new AtomicBoolean();
  private volatile Runnable readable = NONE;
  private volatile Runnable writable = NONE;
  /** Wake-ups of each side through this object (counters: how often an end had to wait). */
  private final AtomicLong readerWakes = new AtomicLong();
  private final AtomicLong writerWakes = new AtomicLong();

  private Ring(Region region, int capacity) {
    this.region = region;
    this.bytes = region.bytesStore();
    this.capacity = capacity;
  }

  /**
   * Initialises a new, empty ring in {@code region} (descriptor written, counters and flags zero).
   * Nothing else may use the region's trailer at the same time.
   *
   * @throws b8g.errors.B8gException {@code channel.capacity} unless the region's size is capacity
   *     + 512 for a power-of-two capacity in 4 KiB .. 1 GiB
   */
  public static Ring create(Region region) {
    int capacity = RingDescriptor.capacityFor(region);
    Ring ring = new Ring(region, capacity);
    RingDescriptor.initialise(ring.bytes, capacity);
    return ring;
  }

  /**
   * Attaches to a ring another party initialised (another process, a restored region).
   *
   * @throws b8g.errors.B8gException {@code channel.capacity}, {@code channel.corrupt} (magic,
   *     capacity, maxPayload) or {@code channel.version} (another major version)
   */
  public static Ring attach(Region region) {
    int capacity = RingDescriptor.capacityFor(region);
    Ring ring = new Ring(region, capacity);
    RingDescriptor.validate(ring.bytes, capacity);
    return ring;
  }

  public Region region() {
    return region;
  }

  /** Bytes in the data area, a power of two. */
  public int capacity() {
    return capacity;
  }

  /** Largest payload one message can carry: {@code capacity / 2 - 8}. */
  public int maxPayload() {
    return RingDescriptor.maxPayload(capacity);
  }

  /**
   * The writing end. It takes its position from the ring's tail, so it may continue a stream
   * another writer left.
   *
   * @throws b8g.errors.B8gException {@code channel.busy} if this ring already handed out a writer
   */
  public RingWriter writer() {
    if (!writerTaken.compareAndSet(false, true)) {
      throw MemoryErrors.busy("writer");
    }
    return new RingWriter(this, bytes, capacity);
  }

  /**
   * The reading end, positioned at the ring's head.
   *
   * @throws b8g.errors.B8gException {@code channel.busy} if this ring already handed out a reader
   */
  public RingReader reader() {
    if (!readerTaken.compareAndSet(false, true)) {
      throw MemoryErrors.busy("reader");
    }
    return new RingReader(this, bytes, capacity);
  }

  /** Installs what {@link #wakeReader()} runs. It must be quick and must not block; null removes it. */
  public void onReadable(Runnable hook) {
    readable = hook == null ? NONE : hook;
  }

  /** Installs what {@link #wakeWriter()} runs. It must be quick and must not block; null removes it. */
  public void onWritable(Runnable hook) {
    writable = hook == null ? NONE : hook;
  }

  /**
   * Records that the writing end is gone for good (its holder ended and nothing will take it up
   * again), then wakes the reader: it reads every record published so far and then sees {@code
   * channel.broken} instead of waiting for ever. Call only once the writer has stopped touching
   * the ring. Idempotent.
   */
  public void markWriterGone() {
    bytes.writeVolatileInt((long) capacity + RingDescriptor.WRITER_STATE_OFFSET, RingDescriptor.END_GONE);
    wakeReader();
  }

  /**
   * Records that the reading end is gone for good, then wakes the writer: its next write fails
   * with {@code channel.broken}. Idempotent.
   */
  public void markReaderGone() {
    bytes.writeVolatileInt((long) capacity + RingDescriptor.READER_STATE_OFFSET, RingDescriptor.END_GONE);
    wakeWriter();
  }

  /**
   * Marks both ends held again: for a ring whose ends are handed to new holders (a restarted
   * component, a restored host). Messages in the ring stay; the new holders continue from the
   * ring's own head and tail.
   */
  public void reopen(boolean writer, boolean reader) {
    if (writer) {
      bytes.writeVolatileInt((long) capacity + RingDescriptor.WRITER_STATE_OFFSET, 0);
    }
    if (reader) {
      bytes.writeVolatileInt((long) capacity + RingDescriptor.READER_STATE_OFFSET, 0);
    }
  }

  /** True once {@link #markWriterGone()} was called (and not {@link #reopen reopened}). */
  public boolean writerGone() {
    return bytes.readVolatileInt((long) capacity + RingDescriptor.WRITER_STATE_OFFSET) != 0;
  }

  /** True once {@link #markReaderGone()} was called (and not {@link #reopen reopened}). */
  public boolean readerGone() {
    return bytes.readVolatileInt((long) capacity + RingDescriptor.READER_STATE_OFFSET) != 0;
  }

  /**
   * What the ring says about a reader waiting now: its waiting flag is set and nothing is
   * published past head. For reports (a deadlock); racy by nature.
   */
  public boolean readerWaiting() {
    return bytes.readVolatileInt((long) capacity + RingDescriptor.READER_WAITING_OFFSET) != 0
        && bytes.readVolatileInt((long) capacity + RingDescriptor.TAIL_OFFSET)
            == bytes.readVolatileInt((long) capacity + RingDescriptor.HEAD_OFFSET);
  }

  /** What the ring says about a writer waiting for room now (its waiting flag). Racy by nature. */
  public boolean writerWaiting() {
    return bytes.readVolatileInt((long) capacity + RingDescriptor.WRITER_WAITING_OFFSET) != 0;
  }

  /** Bytes published and not yet consumed (tail - head as read now). */
  public int used() {
    return bytes.readVolatileInt((long) capacity + RingDescriptor.TAIL_OFFSET)
        - bytes.readVolatileInt((long) capacity + RingDescriptor.HEAD_OFFSET);
  }

  /**
   * Messages (BYTES and TEXT records) the writing end has published, whichever end it is (Java, or
   * JS on another thread or in another process): one lock-free load of the producer line. A host
   * reads it for observability; it is the writer's word, so treat it as untrusted (0 when it holds
   * no count an end could have written; see {@link RingDescriptor}).
   */
  public long messagesWritten() {
    return RingDescriptor.readCount(bytes, (long) capacity + RingDescriptor.MESSAGES_WRITTEN_OFFSET);
  }

  /** Messages the reading end has consumed, as {@link #messagesWritten()} for the consumer line. */
  public long messagesRead() {
    return RingDescriptor.readCount(bytes, (long) capacity + RingDescriptor.MESSAGES_READ_OFFSET);
  }

  /** Whether a Java {@link #writer()} or {@link #reader()} was handed out from this object. */
  public boolean hasJavaEnd() {
    return writerTaken.get() || readerTaken.get();
  }

  /** Signals the reader that data was published while it was waiting. Spurious calls are harmless. */
  public void wakeReader() {
    readerWakes.incrementAndGet();
    readable.run();
  }

  /** Signals the writer that room was made while it was waiting. Spurious calls are harmless. */
  public void wakeWriter() {
    writerWakes.incrementAndGet();
    writable.run();
  }

  /**
   * Times {@link #wakeReader()} was called through this object: how often the reader had waited
   * (parked on an empty ring) and was woken, plus the wake-ups of {@link #markWriterGone()}. A
   * wake-up between two ends of the same worker process does not pass through the host's object.
   */
  public long readerWakes() {
    return readerWakes.get();
  }

  /** Times {@link #wakeWriter()} was called through this object (see {@link #readerWakes()}). */
  public long writerWakes() {
    return writerWakes.get();
  }

  /** The tail (bytes published, as a uint32 position that wraps), read now. */
  public int tail() {
    return bytes.readVolatileInt((long) capacity + RingDescriptor.TAIL_OFFSET);
  }

  /** The head (bytes consumed, as a uint32 position that wraps), read now. */
  public int head() {
    return bytes.readVolatileInt((long) capacity + RingDescriptor.HEAD_OFFSET);
  }

  @Override
  public String toString() {
    return "Ring[" + region.name() + ", capacity " + capacity + "]";
  }
}
