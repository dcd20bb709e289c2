package b8g.memory;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Deterministic message stream shared by the stress tests (and mirrored in JS by {@link
 * JsRingTest}): both ends derive the same size sequence from a seed, so the reader knows what
 * length, sequence number and contents to expect and detects loss, duplication, reordering and
 * torn or stale payloads.
 *
 * <p>Payload of message {@code seq} with {@code size} bytes: the bytes of {@link #POOL} from
 * {@code (seq * 8) & 0xffff}; then bytes 0..3 are overwritten with seq (little-endian) if the
 * payload has 4, and bytes 4..7 with the CRC32C of bytes 8.. if it has 8. The reader checks the
 * sequence number, the checksum and every other byte against the pool.
 */
final class Payloads {
  /** Offsets up to 0xffff plus a payload of up to 64 KiB. */
  static final byte[] POOL = pool(2 << 16);

  private int state;
  private final int maxPayload;

  Payloads(int seed, int maxPayload) {
    this.state = seed == 0 ? 1 : seed;
    this.maxPayload = maxPayload;
  }

  private static byte[] pool(int length) {
    byte[] pool = new byte[length];
    for (int i = 0; i < length; i++) {
      pool[i] = (byte) (i * 131 + (i >>> 7));
    }
    return pool;
  }

  static int poolOffset(int seq) {
    return (seq * 8) & 0xffff;
  }

  /** Sizes skewed small: 11/16 in 0..64, 4/16 uniform in 0..max, 1/16 within 64 of max. */
  int nextSize() {
    int x = state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    state = x;
    int select = x & 15;
    int r = x >>> 8;
    if (select < 11) {
      return r % 65;
    } else if (select < 15) {
      return r % (maxPayload + 1);
    }
    return maxPayload - r % 64;
  }

  static void fill(byte[] into, int seq, int size) {
    System.arraycopy(POOL, poolOffset(seq), into, 0, size);
    if (size >= 4) {
      putInt(into, 0, seq);
    }
    if (size >= 8) {
      putInt(into, 4, crc(into, 8, size));
    }
  }

  /** Null if the payload is what message {@code seq} of {@code size} bytes must be, else why not. */
  static String check(byte[] bytes, int offset, int length, int seq, int size) {
    if (length != size) {
      return "message " + seq + ": length " + length + ", expected " + size;
    }
    if (size >= 4 && getInt(bytes, offset) != seq) {
      return "message " + seq + ": carries sequence number " + getInt(bytes, offset);
    }
    if (size >= 8 && getInt(bytes, offset + 4) != crc(bytes, offset + 8, offset + size)) {
      return "message " + seq + ": checksum mismatch";
    }
    int from = size >= 8 ? 8 : size >= 4 ? 4 : 0;
    int pool = poolOffset(seq);
    if (!Arrays.equals(bytes, offset + from, offset + size, POOL, pool + from, pool + size)) {
      return "message " + seq + ": contents differ from what was written";
    }
    return null;
  }

  static int crc(byte[] bytes, int from, int to) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, to - from);
    return (int) crc.getValue();
  }

  static void putInt(byte[] bytes, int at, int value) {
    bytes[at] = (byte) value;
    bytes[at + 1] = (byte) (value >>> 8);
    bytes[at + 2] = (byte) (value >>> 16);
    bytes[at + 3] = (byte) (value >>> 24);
  }

  static int getInt(byte[] bytes, int at) {
    return (bytes[at] & 0xff)
        | (bytes[at + 1] & 0xff) << 8
        | (bytes[at + 2] & 0xff) << 16
        | (bytes[at + 3] & 0xff) << 24;
  }
}
