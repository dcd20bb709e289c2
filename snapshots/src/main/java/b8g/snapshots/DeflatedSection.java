package b8g.snapshots;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The layout of a section stored deflated (entry flag {@link
 * StackImageDescriptor#SECTION_FLAG_DEFLATED}, format 2.1): a u64 little-endian inflated length,
 * then one zlib stream (RFC 1950, with its Adler-32) that inflates to exactly that many bytes. The
 * section's CRC32C covers these stored bytes and is verified before anything is inflated;
 * inflating is bounded by the declared length, itself bounded by the limit for the section's type,
 * so a hostile image cannot make the reader allocate or inflate more than the limits allow.
 */
final class DeflatedSection {
  private DeflatedSection() {}

  /** Bytes before the zlib stream: the inflated length. */
  static final int PREFIX = 8;

  /** {@code bytes} (position to limit) deflated at {@code level} (1 fastest .. 9 smallest). */
  static byte[] encode(ByteBuffer bytes, int level) {
    Deflater d = new Deflater(level);
    try {
      ByteBuffer in = bytes.duplicate();
      long length = in.remaining();
      d.setInput(in);
      d.finish();
      byte[] out = new byte[(int) Math.min(Integer.MAX_VALUE - 16, PREFIX + length + length / 16 + 64)];
      ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
      int n = PREFIX;
      while (!d.finished()) {
        if (n == out.length) {
          out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        n += d.deflate(out, n, out.length - n);
      }
      return java.util.Arrays.copyOf(out, n);
    } finally {
      d.end();
    }
  }

  /**
   * Inflates the stored bytes {@code stored} (already verified against the section's checksum) to
   * exactly their declared length, which must be at most {@code max}. {@code what} names the
   * section in messages.
   *
   * @throws ImageException {@value ImageException#TOO_LARGE} for a declared length over {@code
   *     max}, {@value ImageException#MALFORMED} for a short section, a broken stream, or one that
   *     inflates to another length or has bytes after its end
   */
  static byte[] decode(byte[] stored, long max, String what) {
    long declared = declaredLength(ByteBuffer.wrap(stored), max, what);
    byte[] out = new byte[(int) declared];
    Inflater inf = new Inflater();
    try {
      inf.setInput(stored, PREFIX, stored.length - PREFIX);
      int got = 0;
      while (got < out.length) {
        int k = inf.inflate(out, got, out.length - got);
        if (k == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
          break;
        }
        got += k;
      }
      if (got < out.length) {
        throw malformed(what, "inflates to " + got + " bytes, fewer than the " + declared + " it declares");
      }
      // At the declared length the stream must end, with nothing after it.
      if (inf.inflate(new byte[1]) > 0 || !inf.finished()) {
        throw malformed(what, "inflates to more than the " + declared + " bytes it declares");
      }
      if (inf.getRemaining() > 0) {
        throw malformed(what, inf.getRemaining() + " bytes follow the end of the zlib stream");
      }
      return out;
    } catch (DataFormatException e) {
      throw malformed(what, "not a valid zlib stream (" + e.getMessage() + ")");
    } finally {
      inf.end();
    }
  }

  /**
   * The inflated length a deflated section declares ({@code stored}: its bytes, position to limit),
   * checked to be at most {@code max}; nothing is inflated.
   *
   * @throws ImageException {@value ImageException#MALFORMED} for a section shorter than its length
   *     field, {@value ImageException#TOO_LARGE} for a declared length over {@code max}
   */
  static long declaredLength(ByteBuffer stored, long max, String what) {
    if (stored.remaining() < PREFIX) {
      throw new ImageException(
          ImageException.MALFORMED,
          what + ": deflated section is " + stored.remaining() + " bytes, shorter than its " + PREFIX + "-byte length field");
    }
    long declared = stored.order(ByteOrder.LITTLE_ENDIAN).getLong(stored.position());
    if (declared < 0 || declared > max) {
      throw new ImageException(
          ImageException.TOO_LARGE,
          what + ": declares " + Long.toUnsignedString(declared) + " inflated bytes, more than the limit of " + max
              + " bytes; raise the limit if the image is expected to be this large");
    }
    return declared;
  }

  private static ImageException malformed(String what, String problem) {
    return new ImageException(ImageException.MALFORMED, what + ": deflated section " + problem + "; the image is corrupt");
  }
}
