package b8g.memory.counters;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Binary layout of a counters file: the live figures of one host (its components, channels and
 * itself), written by the host without a lock or a system call and read by other processes of
 * the same user ({@code b8g top}, the metrics endpoint) without any coordination. After Aeron's
 * CnC counters: fixed-size metadata records, and a values area apart from them so that hot
 * writers share no cache line with metadata or with each other.
 *
 * <pre>
 *  offset                          size    contents
 *  0 ----------------------------+
 *    | header                     |  128   int  magic 0x43473842 ('B8GC' little-endian)  @ +0
 *    |                            |        int  version (major &lt;&lt; 16 | minor) = 2.0     @ +4
 *    |                            |        long pid of the host                          @ +8
 *    |                            |        long start, ms since the epoch                @ +16
 *    |                            |        int  records (capacity, 1 .. 65536)            @ +24
 *    |                            |        int  metadata record length = 256              @ +28
 *    |                            |        int  values block length = 128                 @ +32
 *    |                            |        int  file state: 0 initialising, 1 ready,      @ +36
 *    |                            |             2 closed (the host ended)
 *    |                            |        long generation: +1 per allocation or reclaim  @ +40
 *  128 --------------------------+
 *    | metadata                   |  records x 256, record i at 128 + i * 256:
 *    |  +---------------------+   |        long state word: low 32 bits 0 free,           @ +0
 *    |  | state | type | ... |   |             1 allocated, 2 reclaimed; high 32 bits how
 *    |  +---------------------+   |             many times the record was allocated
 *    |                            |        int  type id ({@link CounterType})             @ +8
 *    |                            |        int  owner length (0 .. 128)                   @ +12
 *    |                            |        owner, UTF-8 (component or channel name,       @ +16 .. +144
 *    |                            |             whole: a manifest name is at most 128)
 *    |                            |        int  label length (0 .. 108)                   @ +144
 *    |                            |        label, UTF-8 (free text for an operator)       @ +148 .. +256
 *  128 + records * 256 ----------+
 *    | values                     |  records x 128, block i at valuesOffset + i * 128:
 *    |  +-----------+-----------+ |        16 longs; their meaning is the record's type's
 *    |  | line 0    | line 1    | |        (CounterType). Line 0 (longs 0-7) has one writer,
 *    |  +-----------+-----------+ |        usually the owner's own thread; line 1 (8-15) the
 *    |                            |        host's threads. Each 64-byte line is written by one
 *    |                            |        kind of writer only, so a hot writer shares its line
 *    |                            |        with nobody.
 *  128 + records * 384 ----------+  (total length)
 * </pre>
 *
 * <p>All numbers are little-endian. The file is created 0600 by its host, never through a
 * symbolic link, and removed when the host ends; after a {@code kill -9} a stale file stays until
 * a host with the same pid replaces it (readers check that the pid lives).
 *
 * <p>Publication: the host writes a record's type, owner and label, zeroes its values, then stores
 * the state word (release) with state 1 and the allocation count plus one; reclaiming stores state
 * 2 (release). A reader loads the state word (acquire), reads the record and its values, and loads
 * the state word again: a record whose word changed, or was not 1, is skipped (it was reclaimed or
 * reused meanwhile). Values are single longs stored with release semantics: a reader sees each one
 * whole, but the 16 of a block are not one atomic snapshot.
 */
public final class CountersDescriptor {
  private CountersDescriptor() {}

  /** 'B8GC' read as a little-endian int. */
  public static final int MAGIC = 0x43473842;
  public static final int VERSION_MAJOR = 2;
  public static final int VERSION_MINOR = 0;
  public static final int VERSION = VERSION_MAJOR << 16 | VERSION_MINOR;

  public static final int HEADER_LENGTH = 128;
  public static final int MAGIC_OFFSET = 0;
  public static final int VERSION_OFFSET = 4;
  public static final int PID_OFFSET = 8;
  public static final int START_OFFSET = 16;
  public static final int RECORDS_OFFSET = 24;
  public static final int RECORD_LENGTH_OFFSET = 28;
  public static final int VALUES_LENGTH_OFFSET = 32;
  public static final int FILE_STATE_OFFSET = 36;
  public static final int GENERATION_OFFSET = 40;

  public static final int FILE_INITIALISING = 0;
  public static final int FILE_READY = 1;
  public static final int FILE_CLOSED = 2;

  public static final int RECORD_LENGTH = 256;
  public static final int STATE_WORD_OFFSET = 0;
  public static final int TYPE_OFFSET = 8;
  public static final int OWNER_LENGTH_OFFSET = 12;
  public static final int OWNER_OFFSET = 16;
  public static final int MAX_OWNER_BYTES = 128;
  public static final int LABEL_LENGTH_OFFSET = 144;
  public static final int LABEL_OFFSET = 148;
  public static final int MAX_LABEL_BYTES = 108;

  public static final int RECORD_FREE = 0;
  public static final int RECORD_ALLOCATED = 1;
  public static final int RECORD_RECLAIMED = 2;

  /** Longs per values block: two 64-byte lines. */
  public static final int VALUES = 16;
  public static final int VALUES_LENGTH = VALUES * Long.BYTES;
  /** The first long of line 1, written by the host's threads. */
  public static final int HOST_LINE = 8;

  public static final int MIN_RECORDS = 1;
  public static final int MAX_RECORDS = 65_536;

  /** Little-endian long access with memory-order modes on a direct buffer (8-byte aligned offsets). */
  static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  public static int metadataOffset(int record) {
    return HEADER_LENGTH + record * RECORD_LENGTH;
  }

  public static long valuesOffset(int records) {
    return HEADER_LENGTH + (long) records * RECORD_LENGTH;
  }

  public static long valueOffset(int records, int record, int index) {
    return valuesOffset(records) + (long) record * VALUES_LENGTH + (long) index * Long.BYTES;
  }

  public static long fileLength(int records) {
    return HEADER_LENGTH + (long) records * (RECORD_LENGTH + VALUES_LENGTH);
  }

  static int state(long word) {
    return (int) word;
  }

  static int allocations(long word) {
    return (int) (word >>> 32);
  }

  static long word(int state, int allocations) {
    return (long) allocations << 32 | (state & 0xffffffffL);
  }
}
