package b8g.snapshots;

import static b8g.snapshots.StackImageDescriptor.HEADER_CHECKSUM_OFFSET;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The CRC32C sums of a stack image (the header with its own checksum field zeroed, the section
 * table, each section) and their printed form, shared by the writer that stores them, the reader
 * that verifies them and the inspector that shows them. Callers pass ranges already checked to lie
 * inside the buffer.
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
    crc.update(d);
  }

  /** A u32 (checksum, flags, rights) as {@code 0x} and eight hex digits. */
  static String hex(int v) {
    return String.format("0x%08x", v);
  }
}
