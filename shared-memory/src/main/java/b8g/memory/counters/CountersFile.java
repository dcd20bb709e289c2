package b8g.memory.counters;

import static b8g.memory.counters.CountersDescriptor.INT;
import static b8g.memory.counters.CountersDescriptor.LONG;

import b8g.errors.B8gException;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The writing side of a counters file ({@link CountersDescriptor}): creates and maps it, hands out
 * records and their values blocks, reclaims them, and removes the file on {@link #close()}.
 *
 * <p>Allocation and reclaiming take this object's monitor (they are rare: a start, an end);
 * writing values never does ({@link CounterBlock}). The mapping outlives {@link #close()} until
 * the last block is unreachable, so a late store from a component's thread lands in memory that is
 * still mapped (of a file that no longer has a name) rather than in unmapped memory.
 */
public final class CountersFile implements AutoCloseable {
  /** The fewest records a host's file holds (more when its manifest has more components and channels). */
  public static final int DEFAULT_RECORDS = 64;

  private final Path file;
  private final int records;
  private final MappedByteBuffer buffer;
  private final boolean[] used;
  private final int[] allocations;
  private boolean closed;

  private CountersFile(Path file, int records, MappedByteBuffer buffer) {
    this.file = file;
    this.records = records;
    this.buffer = buffer;
    this.used = new boolean[records];
    this.allocations = new int[records];
  }

  /**
   * Creates {@code file} (mode 0600, never through a symbolic link; it must not exist) with room
   * for {@code records} records, owned by process {@code pid}, and marks it ready.
   *
   * @throws B8gException (IO) {@code counters.io} when the file exists or cannot be created or mapped
   */
  public static CountersFile create(Path file, long pid, int records) {
    if (records < CountersDescriptor.MIN_RECORDS || records > CountersDescriptor.MAX_RECORDS) {
      throw new IllegalArgumentException("records must be 1 to 65536, not " + records);
    }
    long length = CountersDescriptor.fileLength(records);
    try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      // Sparse: pages are only backed once a record uses them.
      ch.write(ByteBuffer.wrap(new byte[1]), length - 1);
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
      map.order(ByteOrder.LITTLE_ENDIAN);
      CountersFile f = new CountersFile(file, records, map);
      f.writeHeader(pid);
      return f;
    } catch (IOException | UnsupportedOperationException e) {
      throw new B8gException(B8gException.Category.IO, "counters.io", "cannot create the counters file " + file + ": " + e, e);
    }
  }

  private void writeHeader(long pid) {
    buffer.putInt(CountersDescriptor.MAGIC_OFFSET, CountersDescriptor.MAGIC);
    buffer.putInt(CountersDescriptor.VERSION_OFFSET, CountersDescriptor.VERSION);
    buffer.putLong(CountersDescriptor.PID_OFFSET, pid);
    buffer.putLong(CountersDescriptor.START_OFFSET, System.currentTimeMillis());
    buffer.putInt(CountersDescriptor.RECORDS_OFFSET, records);
    buffer.putInt(CountersDescriptor.RECORD_LENGTH_OFFSET, CountersDescriptor.RECORD_LENGTH);
    buffer.putInt(CountersDescriptor.VALUES_LENGTH_OFFSET, CountersDescriptor.VALUES_LENGTH);
    INT.setRelease(buffer, CountersDescriptor.FILE_STATE_OFFSET, CountersDescriptor.FILE_READY);
  }

  public Path file() {
    return file;
  }

  /**
   * A new record of {@code type} for {@code owner} (a component or channel name; UTF-8, cut to 128
   * bytes, so a manifest name is kept whole) with {@code label} (cut to 108 bytes); its values start at 0. Reuses a free record
   * first, then the oldest reclaimed one.
   *
   * @throws B8gException (IO) {@code counters.full} when every record is in use
   */
  public synchronized int allocate(CounterType type, String owner, String label) {
    int r = -1;
    for (int i = 0; i < records; i++) {
      if (!used[i] && allocations[i] == 0) {
        r = i;
        break;
      }
    }
    if (r < 0) {
      for (int i = 0; i < records; i++) {
        if (!used[i]) {
          r = i;
          break;
        }
      }
    }
    if (r < 0) {
      throw new B8gException(B8gException.Category.IO, "counters.full", "the counters file " + file + " has no free record of "
          + records);
    }
    int m = CountersDescriptor.metadataOffset(r);
    // A reused record's word says reclaimed (stored by reclaim): none of the writes below may
    // become visible before it, or a reader of the old record could take new bytes for old.
    VarHandle.storeStoreFence();
    buffer.putInt(m + CountersDescriptor.TYPE_OFFSET, type.id());
    putText(m + CountersDescriptor.OWNER_LENGTH_OFFSET, m + CountersDescriptor.OWNER_OFFSET, CountersDescriptor.MAX_OWNER_BYTES, owner);
    putText(m + CountersDescriptor.LABEL_LENGTH_OFFSET, m + CountersDescriptor.LABEL_OFFSET, CountersDescriptor.MAX_LABEL_BYTES, label);
    CounterBlock b = block(r);
    for (int i = 0; i < CountersDescriptor.VALUES; i++) {
      b.set(i, 0);
    }
    used[r] = true;
    allocations[r]++;
    LONG.setRelease(buffer, m + CountersDescriptor.STATE_WORD_OFFSET, CountersDescriptor.word(CountersDescriptor.RECORD_ALLOCATED, allocations[r]));
    LONG.getAndAdd(buffer, CountersDescriptor.GENERATION_OFFSET, 1L);
    return r;
  }

  /** The values block of record {@code record}. */
  public CounterBlock block(int record) {
    if (record < 0 || record >= records) {
      throw new IndexOutOfBoundsException("record " + record + " of " + records);
    }
    return CounterBlock.at(buffer, CountersDescriptor.valueOffset(records, record, 0));
  }

  /** Marks {@code record} reclaimed: readers skip it from now on; a later allocation may reuse it. */
  public synchronized void reclaim(int record) {
    if (record < 0 || record >= records || !used[record]) {
      return;
    }
    used[record] = false;
    int m = CountersDescriptor.metadataOffset(record);
    LONG.setRelease(buffer, m + CountersDescriptor.STATE_WORD_OFFSET, CountersDescriptor.word(CountersDescriptor.RECORD_RECLAIMED, allocations[record]));
    VarHandle.storeStoreFence(); // the reclaimed word before any later store to the record
    LONG.getAndAdd(buffer, CountersDescriptor.GENERATION_OFFSET, 1L);
  }

  private void putText(int lengthAt, int at, int max, String s) {
    byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    int n = Math.min(b.length, max);
    // Never cut inside a character: back off over continuation bytes.
    while (n > 0 && n < b.length && (b[n] & 0xC0) == 0x80) {
      n--;
    }
    buffer.put(at, Arrays.copyOf(b, max), 0, max);
    buffer.putInt(lengthAt, n);
  }

  /** Marks the file closed and removes it. Idempotent; blocks handed out stay writable (see above). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    INT.setRelease(buffer, CountersDescriptor.FILE_STATE_OFFSET, CountersDescriptor.FILE_CLOSED);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // The file is marked closed; a stale file is skipped by readers whose pid is gone.
    }
  }
}
