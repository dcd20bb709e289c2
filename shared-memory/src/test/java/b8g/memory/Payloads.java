package b8g.memory;

/**
 * Deterministic message stream shared by the stress tests (and mirrored in JS by {@link
 * JsRingTest#PAYLOADS_JS}): both ends derive the same size sequence from a seed, so the reader
 * knows what length, sequence number and checksum to expect and detects loss, duplication,
 * reordering and corruption.
 *
 * <p>Payload of message {@code seq}: every byte i is {@code (seq * 31 + i) & 255}, then bytes 0..3
 * are overwritten with seq (little-endian) if the payload has 4, and bytes 4..7 with the FNV-1a
 * hash of bytes 8.. if it has 8.
 */
final class Payloads {
  private int state;
  private final int maxPayload;

  Payloads(int seed, int maxPayload) {
    this.state = seed == 0 ? 1 : seed;
    this.maxPayload = maxPayload;
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
    for (int i = 0; i < size; i++) {
      into[i] = (byte) (seq * 31 + i);
    }
    if (size >= 4) {
      putInt(into, 0, seq);
    }
    if (size >= 8) {
      putInt(into, 4, fnv(into, 8, size));
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
    if (size >= 8) {
      int hash = fnv(bytes, offset + 8, offset + size);
      if (getInt(bytes, offset + 4) != hash) {
        return "message " + seq + ": checksum mismatch";
      }
    } else {
      for (int i = size >= 4 ? 4 : 0; i < size; i++) {
        if (bytes[offset + i] != (byte) (seq * 31 + i)) {
          return "message " + seq + ": byte " + i + " differs";
        }
      }
    }
    return null;
  }

  static int fnv(byte[] bytes, int from, int to) {
    int h = 0x811c9dc5;
    for (int i = from; i < to; i++) {
      h = (h ^ (bytes[i] & 0xff)) * 16777619;
    }
    return h;
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
