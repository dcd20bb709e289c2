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

  /**
   * Inputs at least this long are deflated in two halves at once (see {@link #encode}); below it a
   * second thread costs more than it saves.
   */
  static final int SPLIT_AT = 256 << 10;

  /** The window a deflate stream may refer back into: the second half starts with the first's last bytes as its dictionary. */
  private static final int WINDOW = 32 << 10;

  /**
   * {@code bytes} (position to limit) deflated at {@code level} (1 fastest .. 9 smallest), as the
   * prefix and one zlib stream. An input of {@link #SPLIT_AT} bytes or more is deflated as two
   * halves at once, the second on a thread of its own, as pigz does: the first half ends with a
   * sync flush (an empty stored block, so the second half starts on a byte boundary and is not the
   * last block), the second is deflated with the first half's last 32 KiB as its dictionary, so
   * matches may reach across the cut, and ends the stream; the zlib header and the Adler-32 of the
   * whole input go around both. Any inflater reads the result as one ordinary stream.
   */
  static byte[] encode(ByteBuffer bytes, int level) {
    ByteBuffer in = bytes.duplicate();
    int length = in.remaining();
    if (length < SPLIT_AT) {
      Deflater d = new Deflater(level);
      try {
        d.setInput(in);
        d.finish();
        byte[] out = prefixed(length, PREFIX + (long) length + length / 16 + 64);
        return trimmed(out, drain(d, out, PREFIX, Deflater.NO_FLUSH));
      } finally {
        d.end();
      }
    }
    int half = length / 2;
    ByteBuffer head = in.slice(in.position(), half);
    ByteBuffer tail = in.slice(in.position() + half, length - half);
    byte[] dictionary = new byte[WINDOW];
    head.get(half - WINDOW, dictionary);
    // The second half on a thread of its own; join() waits without being interruptible, so no
    // deflate outlives this call.
    java.util.concurrent.CompletableFuture<byte[]> second = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> raw(tail, level, dictionary, true), task -> {
          Thread t = new Thread(task, "b8g-image-deflate");
          t.setDaemon(true);
          t.start();
        });
    java.util.zip.Adler32 adler = new java.util.zip.Adler32();
    byte[] first;
    byte[] last;
    try {
      first = raw(head, level, null, false);
      adler.update(in.duplicate());
    } finally {
      try {
        last = second.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error r) {
          throw r;
        }
        throw e;
      }
    }
    byte[] out = prefixed(length, PREFIX + 2L + first.length + last.length + 4);
    ByteBuffer.wrap(out, PREFIX, out.length - PREFIX)
        .put((byte) 0x78).put((byte) headerFlags(level)).put(first).put(last).putInt((int) adler.getValue());
    return out;
  }

  /**
   * Raw deflate (no zlib header or trailer) of {@code bytes}, with {@code dictionary} as the bytes
   * before it if not null; the last part ends the stream, any other ends with a sync flush.
   */
  private static byte[] raw(ByteBuffer bytes, int level, byte[] dictionary, boolean last) {
    Deflater d = new Deflater(level, true);
    try {
      if (dictionary != null) {
        d.setDictionary(dictionary);
      }
      int length = bytes.remaining();
      d.setInput(bytes);
      if (last) {
        d.finish();
      }
      byte[] out = new byte[length + length / 16 + 64];
      return trimmed(out, drain(d, out, 0, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH));
    } finally {
      d.end();
    }
  }

  /**
   * Runs {@code d} into {@code out} from {@code n} until it is finished (a finished stream) or,
   * with {@code flush}, until all its input is flushed out; returns the end. {@code out} is big
   * enough for any input: deflate grows incompressible input by a few bytes per 16 KiB block.
   */
  private static int drain(Deflater d, byte[] out, int n, int flush) {
    while (true) {
      int room = out.length - n;
      if (room == 0) {
        throw new IllegalStateException("deflate overran its bound of " + out.length + " bytes");
      }
      int k = d.deflate(out, n, room, flush);
      n += k;
      // A flush is complete when it left room in the buffer (Deflater#deflate's contract).
      if (d.finished() || (flush != Deflater.NO_FLUSH && k < room)) {
        return n;
      }
    }
  }

  /** A buffer of {@code capacity} bytes (at most an array's limit) with the length prefix written. */
  private static byte[] prefixed(long length, long capacity) {
    byte[] out = new byte[(int) Math.min(Integer.MAX_VALUE - 16, capacity)];
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
    return out;
  }

  private static byte[] trimmed(byte[] out, int n) {
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }

  /** The zlib header's second byte (RFC 1950): the level class, and the check bits that make the pair a multiple of 31. */
  static int headerFlags(int level) {
    int levelClass = level <= 1 ? 0 : level <= 5 ? 1 : level == 6 ? 2 : 3;
    int flags = levelClass << 6;
    return flags + (31 - (0x78 * 256 + flags) % 31) % 31;
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
