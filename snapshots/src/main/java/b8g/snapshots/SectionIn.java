package b8g.snapshots;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A bounded little-endian cursor over the bytes of one section, which may be hostile: every read
 * checks what remains, every count is checked against the limits and the bytes left before
 * anything is allocated, and every error names the section and the byte offset in it.
 */
final class SectionIn {
  private final ByteBuffer buf;
  private final StackImage.Limits limits;
  private final String where;

  SectionIn(ByteBuffer section, StackImage.Limits limits, String where) {
    this.buf = section.slice().order(ByteOrder.LITTLE_ENDIAN);
    this.limits = limits;
    this.where = where;
  }

  /** Names the section and a byte offset in it, for messages. */
  private String at(int offset) {
    return where + " at section offset " + offset;
  }

  private void need(long n, String what) {
    if (n > buf.remaining()) {
      throw new ImageException(
          ImageException.BOUNDS,
          at(buf.position()) + ": " + what + " needs " + n + " bytes but only " + buf.remaining()
              + " remain; the section is malformed");
    }
  }

  long u32(String what) {
    need(4, what);
    return Integer.toUnsignedLong(buf.getInt());
  }

  long u64(String what) {
    int start = buf.position();
    need(8, what);
    long v = buf.getLong();
    if (v < 0) {
      throw new ImageException(
          ImageException.BOUNDS, at(start) + ": " + what + " is " + Long.toUnsignedString(v)
              + ", beyond any file; the section is malformed");
    }
    return v;
  }

  /** A count of entries each at least {@code minEntryBytes} long, checked before use. */
  int count(String what, int minEntryBytes) {
    int start = buf.position();
    long n = u32(what);
    if (n > limits.maxEntries()) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          at(start) + ": " + what + " is " + n + ", more than the limit of " + limits.maxEntries());
    }
    if (n * minEntryBytes > buf.remaining()) {
      throw new ImageException(
          ImageException.BOUNDS,
          at(start) + ": " + what + " is " + n + " but only " + buf.remaining()
              + " bytes remain in the section; the section is malformed");
    }
    return (int) n;
  }

  String str(String what) {
    int start = buf.position();
    long n = u32(what + " length");
    if (n > limits.maxStringBytes()) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          at(start) + ": " + what + " is " + n + " bytes, more than the limit of "
              + limits.maxStringBytes());
    }
    need(n, what);
    ByteBuffer b = buf.slice();
    b.limit((int) n);
    buf.position(buf.position() + (int) n);
    return decodeUtf8(b, at(start) + ": " + what);
  }

  void end() {
    if (buf.hasRemaining()) {
      throw new ImageException(
          ImageException.MALFORMED,
          at(buf.position()) + ": " + buf.remaining() + " unexpected bytes after the last entry");
    }
  }

  /** Offset of the next byte, from the start of the section. */
  int position() {
    return buf.position();
  }

  ImageException malformed(String message) {
    return new ImageException(ImageException.MALFORMED, where + ": " + message);
  }

  /** As {@link #malformed} for the entry that starts at section offset {@code offset}. */
  ImageException malformedAt(int offset, String message) {
    return new ImageException(ImageException.MALFORMED, at(offset) + ": " + message);
  }

  /** Strict UTF-8 decoding of {@code b}; bad input is {@value ImageException#MALFORMED}, naming {@code what}. */
  static String decodeUtf8(ByteBuffer b, String what) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(b.duplicate())
          .toString();
    } catch (CharacterCodingException e) {
      throw new ImageException(
          ImageException.MALFORMED, what + " is not valid UTF-8; the image is corrupt", e);
    }
  }
}
