package b8g.memory.counters;

import static b8g.memory.counters.CountersDescriptor.INT;
import static b8g.memory.counters.CountersDescriptor.LONG;

import b8g.errors.B8gException;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a counters file another process writes ({@link CountersDescriptor}), without a lock and
 * without trusting a byte: the mapping is read-only, the header is checked (magic, version, record
 * and block lengths, the file's length) before anything else is read, every length is bounded,
 * and a record that changes while it is read is skipped, never half-reported.
 *
 * <p>Errors are {@link B8gException}s (IO category) with code {@code counters.corrupt} (the
 * file, what is wrong and at which offset) or {@code counters.io}; never another exception.
 * Not thread-safe; one reader per thread.
 */
public final class CountersReader {
  /** One allocated record as read: its values in column order of {@link CountersDescriptor#VALUES}. */
  public record Record(int index, CounterType type, String owner, String label, long[] values) {
    /** The value of {@code column} of this record's type, or 0 for a name the type lacks. */
    public long value(String column) {
      CounterType.Column c = type.column(column);
      return c == null ? 0 : values[c.index()];
    }
  }

  private final Path file;
  private final ByteBuffer buffer;
  private final int records;
  private final long pid;
  private final long startMillis;

  private CountersReader(Path file, ByteBuffer buffer, int records, long pid, long startMillis) {
    this.file = file;
    this.buffer = buffer;
    this.records = records;
    this.pid = pid;
    this.startMillis = startMillis;
  }

  /**
   * Maps {@code file} read-only (not through a symbolic link) and checks its header.
   *
   * @throws B8gException {@code counters.io} when it cannot be opened, {@code counters.corrupt}
   *     when it is not a counters file of this version, is shorter than its header says, or is
   *     not ready yet
   */
  public static CountersReader open(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      if (size < CountersDescriptor.HEADER_LENGTH) {
        throw corrupt(file, "it is " + size + " bytes long, shorter than its 128-byte header (truncated?)");
      }
      ByteBuffer header = ByteBuffer.allocate(CountersDescriptor.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
      while (header.hasRemaining() && ch.read(header) >= 0) {
        // until the header is read
      }
      if (header.hasRemaining()) {
        throw corrupt(file, "its header could not be read whole");
      }
      int magic = header.getInt(CountersDescriptor.MAGIC_OFFSET);
      if (magic != CountersDescriptor.MAGIC) {
        throw corrupt(file, String.format("magic at offset 0 is 0x%08x, not 0x%08x ('B8GC'): not a b8g counters file", magic,
            CountersDescriptor.MAGIC));
      }
      int version = header.getInt(CountersDescriptor.VERSION_OFFSET);
      if (version >>> 16 != CountersDescriptor.VERSION_MAJOR) {
        throw corrupt(file, "version at offset 4 is " + (version >>> 16) + "." + (version & 0xffff) + "; this b8g reads "
            + CountersDescriptor.VERSION_MAJOR + ".x (was it written by another version of b8g?)");
      }
      int n = header.getInt(CountersDescriptor.RECORDS_OFFSET);
      if (n < CountersDescriptor.MIN_RECORDS || n > CountersDescriptor.MAX_RECORDS) {
        throw corrupt(file, "record count at offset 24 is " + n + ", not 1 to 65536");
      }
      int recordLength = header.getInt(CountersDescriptor.RECORD_LENGTH_OFFSET);
      int valuesLength = header.getInt(CountersDescriptor.VALUES_LENGTH_OFFSET);
      if (recordLength != CountersDescriptor.RECORD_LENGTH || valuesLength != CountersDescriptor.VALUES_LENGTH) {
        throw corrupt(file, "record and block lengths at offsets 28 and 32 are " + recordLength + " and " + valuesLength
            + ", not 256 and 128");
      }
      long length = CountersDescriptor.fileLength(n);
      if (size < length) {
        throw corrupt(file, "it is " + size + " bytes long, but its header says " + n + " records, which need " + length
            + " (truncated?)");
      }
      int state = header.getInt(CountersDescriptor.FILE_STATE_OFFSET);
      if (state != CountersDescriptor.FILE_READY && state != CountersDescriptor.FILE_CLOSED) {
        throw corrupt(file, "file state at offset 36 is " + state + (state == CountersDescriptor.FILE_INITIALISING
            ? ": the host is still starting; try again" : ", not 1 (ready) or 2 (closed)"));
      }
      ByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, length).order(ByteOrder.LITTLE_ENDIAN);
      return new CountersReader(file, map, n, header.getLong(CountersDescriptor.PID_OFFSET),
          header.getLong(CountersDescriptor.START_OFFSET));
    } catch (IOException | UnsupportedOperationException e) {
      throw new B8gException(B8gException.Category.IO, "counters.io", "cannot open the counters file " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** The host's process id, as its header says. */
  public long pid() {
    return pid;
  }

  /** When the host started, in ms since the epoch. */
  public long startMillis() {
    return startMillis;
  }

  /** Whether the host has marked the file closed (it ended). */
  public boolean closed() {
    return readInt(CountersDescriptor.FILE_STATE_OFFSET) == CountersDescriptor.FILE_CLOSED;
  }

  /**
   * Every record allocated now whose type this build knows, in file order. A record reclaimed or
   * reused while it was read is left out.
   *
   * @throws B8gException {@code counters.corrupt} for a record with an impossible length or
   *     text that is not UTF-8, naming its offset
   */
  public List<Record> records() {
    List<Record> out = new ArrayList<>();
    for (int r = 0; r < records; r++) {
      int m = CountersDescriptor.metadataOffset(r);
      long before = readLong(m + CountersDescriptor.STATE_WORD_OFFSET);
      if (CountersDescriptor.state(before) != CountersDescriptor.RECORD_ALLOCATED) {
        continue;
      }
      CounterType type = CounterType.of(readInt(m + CountersDescriptor.TYPE_OFFSET));
      String owner = text(m + CountersDescriptor.OWNER_LENGTH_OFFSET, m + CountersDescriptor.OWNER_OFFSET, CountersDescriptor.MAX_OWNER_BYTES);
      String label = text(m + CountersDescriptor.LABEL_LENGTH_OFFSET, m + CountersDescriptor.LABEL_OFFSET, CountersDescriptor.MAX_LABEL_BYTES);
      long[] values = new long[CountersDescriptor.VALUES];
      for (int i = 0; i < values.length; i++) {
        values[i] = readLong(CountersDescriptor.valueOffset(records, r, i));
      }
      // The record's bytes are read before the word is read again (a seqlock's second look).
      VarHandle.loadLoadFence();
      long after = readLong(m + CountersDescriptor.STATE_WORD_OFFSET);
      if (after != before || type == null) {
        continue; // reclaimed or reused while read, or a type of a newer build
      }
      out.add(new Record(r, type, owner, label, values));
    }
    return out;
  }

  private String text(int lengthAt, int at, int max) {
    int n = readInt(lengthAt);
    if (n < 0 || n > max) {
      throw corrupt(file, "text length at offset " + lengthAt + " is " + n + ", not 0 to " + max);
    }
    byte[] b = new byte[n];
    try {
      buffer.get(at, b, 0, n);
    } catch (InternalError e) {
      throw corrupt(file, "it was truncated while being read (offset " + at + ")");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      // A record being rewritten may show a cut character; the state check drops it, so only a
      // stable record with bad bytes is corrupt. Report those through the replacement character.
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  private int readInt(int offset) {
    try {
      return (int) INT.getAcquire(buffer, offset);
    } catch (InternalError e) {
      throw corrupt(file, "it was truncated while being read (offset " + offset + ")");
    }
  }

  private long readLong(long offset) {
    try {
      return (long) LONG.getAcquire(buffer, Math.toIntExact(offset));
    } catch (InternalError e) {
      // The JVM's report of SIGBUS: the file was truncated under the mapping.
      throw corrupt(file, "it was truncated while being read (offset " + offset + ")");
    }
  }

  private static B8gException corrupt(Path file, String what) {
    return new B8gException(B8gException.Category.IO, "counters.corrupt", "the counters file " + file + " is unusable: " + what);
  }
}
