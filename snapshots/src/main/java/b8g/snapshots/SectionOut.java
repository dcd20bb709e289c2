package b8g.snapshots;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian output for the body of one structured section: u32, u64, length-prefixed strict
 * UTF-8 strings (bounded by {@link StackImage.Limits#maxStringBytes()}) and raw bytes. Refuses what
 * the reader would refuse, naming the section and the field.
 */
final class SectionOut {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final StackImage.Limits limits;
  private final String where;

  SectionOut(StackImage.Limits limits, String where) {
    this.limits = limits;
    this.where = where;
  }

  void u32(long v) {
    for (int i = 0; i < 4; i++) {
      bytes.write((int) (v >>> (8 * i)));
    }
  }

  void u64(long v) {
    for (int i = 0; i < 8; i++) {
      bytes.write((int) (v >>> (8 * i)));
    }
  }

  void str(String what, String s) {
    byte[] b = utf8(where + ": " + what, s);
    if (b.length > limits.maxStringBytes()) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          where + ": " + what + " is " + b.length + " bytes of UTF-8, more than the limit of "
              + limits.maxStringBytes() + "; shorten it");
    }
    u32(b.length);
    bytes.write(b, 0, b.length);
  }

  byte[] toByteArray() {
    return bytes.toByteArray();
  }

  /** Strict UTF-8 encoding of {@code s}; a lone surrogate is {@value ImageException#MALFORMED}, naming {@code what}. */
  static byte[] utf8(String what, String s) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new ImageException(
          ImageException.MALFORMED,
          what + " is not valid Unicode (a lone surrogate?); it cannot be written as UTF-8",
          e);
    }
  }
}
