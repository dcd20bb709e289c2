package b8g.snapshots;

import static b8g.snapshots.StackImageDescriptor.HEADER_CHECKSUM_OFFSET;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The CRC32C sums of a stack image (the header with its own checksum field zeroed, the section
 * table, each section) and their printed form, shared by the writer that stores them, the reader
 * that verifies them and the inspector that shows them. Callers pass ranges already checked to lie
 * inside the buffer. A direct buffer (a mapped file) is read in chunks copied out of it.
 */
final class Checksums {
  private Checksums() {}

  /** CRC32C of header bytes {@code [0, headerLength)} with the header checksum field read as zero. */
  static int header(ByteBuffer buf, int headerLength) {
    CRC32C crc = new CRC32C();
    update(crc, buf, 0, HEADER_CHECKSUM_OFFSET);
    crc.update(new byte[4]);
    update(crc, buf, HEADER_CHECKSUM_OFFSET + 4, headerLength - HEADER_CHECKSUM_OFFSET - 4);
    return (int) crc.getValue();
  }

  /** CRC32C of {@code length} bytes of {@code buf} from absolute {@code offset}. */
  static int of(ByteBuffer buf, long offset, long length) {
    CRC32C crc = new CRC32C();
    update(crc, buf, offset, length);
    return (int) crc.getValue();
  }

  private static void update(CRC32C crc, ByteBuffer buf, long offset, long length) {
    ByteBuffer d = buf.duplicate();
    d.position((int) offset).limit((int) (offset + length));
    if (!d.isDirect()) {
      crc.update(d);
      return;
    }
    // A mapped file is read in chunks copied out of it: a fault in the copy (a file truncated in
    // place under the reader) is an InternalError the JVM raises, not a crash in an intrinsic.
    byte[] chunk = new byte[(int) Math.min(CHUNK, length)];
    while (d.hasRemaining()) {
      int n = Math.min(chunk.length, d.remaining());
      d.get(chunk, 0, n);
      crc.update(chunk, 0, n);
    }
  }

  /** Bytes copied out of a mapping at a time: small enough to stay in the cache. */
  private static final int CHUNK = 64 * 1024;

  /** A u32 (checksum, flags, rights) as {@code 0x} and eight hex digits. */
  static String hex(int v) {
    return String.format("0x%08x", v);
  }
}
