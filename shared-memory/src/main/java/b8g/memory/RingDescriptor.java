package b8g.memory;

import net.openhft.chronicle.bytes.BytesStore;

/**
 * Binary layout of a channel ring: one producer, one consumer, in a region of {@code capacity +
 * 512} bytes. The Java endpoints ({@link RingWriter}, {@link RingReader}) and the JS ring ({@code
 * b8g/memory/ring.js}) both follow it; change it only with a new major version.
 *
 * <pre>
 *  offset                      size   contents
 *  0 ------------------------+
 *    | data                   |  capacity   records, each 8-byte aligned; capacity is a power of
 *    |  +--------+------+---+ |             two, 4 KiB .. 1 GiB
 *    |  | length | type |...| |
 *    |  +--------+------+---+ |
 *  capacity -----------------+
 *    | descriptor line        |  128  int magic 0x52473842 ('B8GR' little-endian) @ +0
 *    |                        |       int version (major &lt;&lt; 16 | minor) = 1.2      @ +4
 *    |                        |       int capacity                                  @ +8
 *    |                        |       int maxPayload = capacity / 2 - 8             @ +12
 *    |                        |       int writerState: 0 open, 1 gone (since 1.1)   @ +16
 *    |                        |       int readerState: 0 open, 1 gone (since 1.1)   @ +20
 *  capacity + 128 -----------+
 *    | producer line          |  128  int tail: uint32 position, wraps mod 2^32     @ +0
 *    |                        |       float64 messagesWritten (since 1.2)           @ +8
 *  capacity + 256 -----------+
 *    | consumer line          |  128  int head: uint32 position, wraps mod 2^32     @ +0
 *    |                        |       float64 messagesRead (since 1.2)              @ +8
 *  capacity + 384 -----------+
 *    | waiting line           |  128  int readerWaiting @ +0, int writerWaiting @ +4
 *  capacity + 512 -----------+  (total length)
 *
 *  record at (position &amp; (capacity - 1)):
 *    +0  int length    payload bytes
 *    +4  int type      1 PADDING, 2 BYTES, 3 TEXT (UTF-8), 4 END (empty); 0 is never valid
 *    +8  payload, then zero or more padding bytes up to the next multiple of 8
 * </pre>
 *
 * <p>All ints are little-endian. The lines are 128 bytes apart so the two counters never share a
 * cache line (nor an adjacent-line prefetch pair). A record never crosses the end of the data: a
 * writer that cannot fit one before the end first writes a PADDING record filling exactly to the
 * end, then the record at index 0. Positions count bytes and wrap as uint32: distances are always
 * int subtraction ({@code (a - b) | 0} in JS).
 *
 * <p>Publication: a writer writes payload, type, length, then stores tail (volatile); the reader
 * loads tail (volatile) and may read every byte before it. The reader consumes by storing head. A
 * side finding the ring empty (reader) / full (writer) sets its waiting flag, re-checks, then
 * parks; the other side, after storing its counter, clears a set flag and signals.
 *
 * <p>Ends that are gone (1.1): whoever supervises an end (the host, for a component's end) stores
 * 1 into that end's state word once the end is gone for good (its holder ended and no restart
 * will take it up), after the holder has stopped touching the ring, then signals the other side.
 * A writer checks {@code readerState} before each record and refuses to write to a ring nobody
 * will read ({@code channel.broken}). A reader checks {@code writerState} only when it finds the
 * ring empty, then loads tail once more: every record published before the writer went is read
 * first, and a writer that went without END shows as {@code channel.broken}, not as a clean end.
 * The words are written only by the supervisor, never by the ends, and sit on the descriptor line,
 * which is read-only in the steady state (no false sharing with the counters). A 1.0 ring has
 * zeros there, which reads as "open".
 *
 * <p>Message counters (1.2), for observability only: each end counts the BYTES and TEXT records
 * it has published (the writer, {@code messagesWritten}) or consumed (the reader, {@code
 * messagesRead}; PADDING and END are not messages) in the line it already owns, with a plain
 * store just before it stores its position: no extra fence on the hot path. A count is a float64
 * (the JavaScript end's own number type) holding an integer, exact up to 2^53, written as one
 * aligned 8-byte store, so a host reading it without a lock never sees a torn value; it may lag
 * the position by the record being published. An end that attaches continues the count it finds
 * (a restarted component, a restored image). Nothing in the ring depends on the counts: a host
 * reads them ({@link RingWriter#messagesWritten()}, {@link RingReader#messagesRead()}, {@link
 * Ring#messagesWritten()}) as untrusted numbers, and an end that finds no count it could have
 * written (not an integer in 0 .. 2^53) starts again from 0. A 1.1 ring has zeros there.
 */
public final class RingDescriptor {
  private RingDescriptor() {}

  /** 'B8GR' read as a little-endian int. */
  public static final int MAGIC = 0x52473842;

  public static final int VERSION_MAJOR = 1;
  public static final int VERSION_MINOR = 2;
  /** Version as stored: major in the high 16 bits. Readers reject any other major version. */
  public static final int VERSION = VERSION_MAJOR << 16 | VERSION_MINOR;

  public static final int MIN_CAPACITY = 4 * 1024;
  public static final int MAX_CAPACITY = 1 << 30;

  /** Distance between the trailer's lines. */
  public static final int LINE_LENGTH = 128;
  /** Bytes after the data area: four lines. */
  public static final int TRAILER_LENGTH = 4 * LINE_LENGTH;

  // Offsets relative to the end of the data area (add capacity).
  public static final int MAGIC_OFFSET = 0;
  public static final int VERSION_OFFSET = 4;
  public static final int CAPACITY_OFFSET = 8;
  public static final int MAX_PAYLOAD_OFFSET = 12;
  /** 0 while the writing end is held (or may be taken up again by a restart), 1 once it is gone. */
  public static final int WRITER_STATE_OFFSET = 16;
  /** 0 while the reading end is held (or may be taken up again by a restart), 1 once it is gone. */
  public static final int READER_STATE_OFFSET = 20;
  /** A state word's value once its end is gone for good. */
  public static final int END_GONE = 1;
  public static final int TAIL_OFFSET = LINE_LENGTH;
  public static final int HEAD_OFFSET = 2 * LINE_LENGTH;
  public static final int READER_WAITING_OFFSET = 3 * LINE_LENGTH;
  public static final int WRITER_WAITING_OFFSET = 3 * LINE_LENGTH + 4;
  /** float64 count of BYTES and TEXT records published, on the producer line (since 1.2). */
  public static final int MESSAGES_WRITTEN_OFFSET = LINE_LENGTH + 8;
  /** float64 count of BYTES and TEXT records consumed, on the consumer line (since 1.2). */
  public static final int MESSAGES_READ_OFFSET = 2 * LINE_LENGTH + 8;
  /** Largest count a float64 holds exactly (2^53); a stored count above it, or not an integer, reads as 0. */
  public static final long MAX_COUNT = 1L << 53;

  /** Record header: int length, int type. */
  public static final int HEADER_LENGTH = 8;
  public static final int ALIGNMENT = 8;

  public static final int TYPE_PADDING = 1;
  public static final int TYPE_BYTES = 2;
  public static final int TYPE_TEXT = 3;
  public static final int TYPE_END = 4;

  /** Region size a ring of this capacity needs. */
  public static long totalLength(int capacity) {
    return (long) capacity + TRAILER_LENGTH;
  }

  /** Largest payload: half the data area less a header, so a record plus a padding always fits. */
  public static int maxPayload(int capacity) {
    return capacity / 2 - HEADER_LENGTH;
  }

  /** Bytes a record with this payload occupies: header plus payload, rounded up to 8. */
  public static int recordLength(int payloadLength) {
    return (HEADER_LENGTH + payloadLength + ALIGNMENT - 1) & -ALIGNMENT;
  }

  static boolean isValidCapacity(long capacity) {
    return capacity >= MIN_CAPACITY
        && capacity <= MAX_CAPACITY
        && (capacity & (capacity - 1)) == 0;
  }

  /**
   * The capacity a region of this size holds.
   *
   * @throws b8g.errors.B8gException {@code channel.capacity} unless size is capacity + 512 for a
   *     power-of-two capacity in 4 KiB .. 1 GiB
   */
  static int capacityFor(Region region) {
    long capacity = region.size() - TRAILER_LENGTH;
    if (!isValidCapacity(capacity)) {
      throw new b8g.errors.B8gException(
          b8g.errors.B8gException.Category.MEMORY,
          "channel.capacity",
          "region '" + region.name() + "' of " + region.size()
              + " bytes cannot hold a ring: its size must be capacity + " + TRAILER_LENGTH
              + " for a power-of-two capacity between " + MIN_CAPACITY + " and " + MAX_CAPACITY);
    }
    return (int) capacity;
  }

  /**
   * Writes the descriptor line and zeroes counters and flags. Data bytes are left as they are: a
   * reader never reads past the published tail. The descriptor fields are stored before the magic
   * (volatile) so a concurrent attacher that sees the magic sees the rest.
   */
  static void initialise(BytesStore<?, ?> bytes, int capacity) {
    long trailer = capacity;
    bytes.writeInt(trailer + CAPACITY_OFFSET, capacity);
    bytes.writeInt(trailer + MAX_PAYLOAD_OFFSET, maxPayload(capacity));
    bytes.writeInt(trailer + VERSION_OFFSET, VERSION);
    bytes.writeInt(trailer + TAIL_OFFSET, 0);
    bytes.writeInt(trailer + HEAD_OFFSET, 0);
    bytes.writeLong(trailer + MESSAGES_WRITTEN_OFFSET, 0);
    bytes.writeLong(trailer + MESSAGES_READ_OFFSET, 0);
    bytes.writeInt(trailer + READER_WAITING_OFFSET, 0);
    bytes.writeInt(trailer + WRITER_WAITING_OFFSET, 0);
    bytes.writeInt(trailer + WRITER_STATE_OFFSET, 0);
    bytes.writeInt(trailer + READER_STATE_OFFSET, 0);
    bytes.writeVolatileInt(trailer + MAGIC_OFFSET, MAGIC);
  }

  /**
   * A message count as stored at {@code at}: the integer a float64 holds there, or 0 when the word
   * holds no count an end could have written (not an integer in 0 .. 2^53: a hostile or foreign
   * value). One 8-byte load: never torn.
   */
  static long readCount(BytesStore<?, ?> bytes, long at) {
    double d = Double.longBitsToDouble(bytes.readVolatileLong(at));
    return d >= 0 && d <= MAX_COUNT && d == Math.rint(d) ? (long) d : 0;
  }

  /** Stores a message count at {@code at} as a float64 (plain store: the position's store orders it). */
  static void writeCount(BytesStore<?, ?> bytes, long at, long count) {
    bytes.writeLong(at, Double.doubleToRawLongBits((double) count));
  }

  /**
   * Checks the descriptor line of a ring of the given capacity (taken from the region size).
   *
   * @throws b8g.errors.B8gException {@code channel.corrupt} for a wrong magic, capacity or
   *     maxPayload; {@code channel.version} for another major version
   */
  static void validate(BytesStore<?, ?> bytes, int capacity) {
    long trailer = capacity;
    int magic = bytes.readVolatileInt(trailer + MAGIC_OFFSET);
    if (magic != MAGIC) {
      throw MemoryErrors.channelCorrupt(
          "magic is 0x" + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC)
              + " (not a b8g ring, or not initialised)");
    }
    int version = bytes.readInt(trailer + VERSION_OFFSET);
    if (version >>> 16 != VERSION_MAJOR) {
      throw MemoryErrors.channelVersion(version);
    }
    int stored = bytes.readInt(trailer + CAPACITY_OFFSET);
    if (stored != capacity) {
      throw MemoryErrors.channelCorrupt(
          "descriptor capacity " + Integer.toUnsignedString(stored) + " does not match the region's "
              + capacity);
    }
    int maxPayload = bytes.readInt(trailer + MAX_PAYLOAD_OFFSET);
    if (maxPayload != maxPayload(capacity)) {
      throw MemoryErrors.channelCorrupt(
          "descriptor maxPayload " + maxPayload + " is not capacity / 2 - 8 = "
              + maxPayload(capacity));
    }
  }
}
