package b8g.components;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A component's CompressionStream and DecompressionStream engines, by handle: a small integer the
 * component names them by, never a Java object in JS. Input crosses as a byte copy
 * ({@link #write}); output comes back in slices of at most {@link #SLICE} bytes ({@link #read}),
 * each asked for by the prelude when its readable side wants more. So a small input that inflates
 * to gigabytes (a zip bomb) never holds more than one slice in the host: what it costs lands in
 * the component's own heap, and only as fast as the component consumes it.
 *
 * <p>Formats ("gzip", "deflate" = zlib, "deflate-raw") as the Compression Streams standard names
 * them; gzip is framed here (RFC 1952: header, raw deflate, CRC-32 and size trailer) over the
 * JDK's raw {@link Deflater}/{@link Inflater}. Decompression fails (as {@code TypeError}) on a bad
 * header or checksum, on data after the end of the compressed stream, and on input that ends
 * before it.
 *
 * <p>At most {@link #MAX_OPEN} at once per component; each is freed by {@link #free} (the stream
 * closed, cancelled or errored) and all by {@link #closeAll} when the component ends. Only the
 * component's own thread calls in: no locking.
 */
final class CompressionStreams {
  static final int MAX_OPEN = 64;
  static final int SLICE = 64 << 10;
  /** Largest input chunk one write takes; the prelude splits bigger ones. */
  static final int MAX_INPUT = 1 << 20;

  static final int GZIP = 1;
  static final int DEFLATE = 2;
  static final int DEFLATE_RAW = 3;

  private final Map<Integer, Engine> open = new HashMap<>();
  /**
   * The next handle. Starts anywhere: after a restore (a new instance) a stream of the snapshot
   * still holds its old handle, which then names nothing instead of a new stream's engine.
   */
  private int next = ThreadLocalRandom.current().nextInt(1, 1 << 30);

  /** Opens an engine; returns its handle. */
  int open(String format, boolean compress) {
    int kind = switch (format) {
      case "gzip" -> GZIP;
      case "deflate" -> DEFLATE;
      case "deflate-raw" -> DEFLATE_RAW;
      default -> throw new ComponentException("type", "unsupported compression format \"" + format + "\" (gzip, deflate or deflate-raw)");
    };
    if (open.size() >= MAX_OPEN) {
      throw new ComponentException("range", "too many compression streams open at once (at most " + MAX_OPEN
          + "); close, cancel or finish one first");
    }
    int handle = next;
    next = next == Integer.MAX_VALUE ? 1 : next + 1;
    open.put(handle, compress ? new Compressor(kind) : new Decompressor(kind));
    return handle;
  }

  void write(int handle, byte[] input) {
    if (input.length > MAX_INPUT) {
      throw new ComponentException("range", "a compression chunk is larger than " + MAX_INPUT + " bytes");
    }
    engine(handle).write(input);
  }

  /** The next slice of output: empty when the engine needs more input (or has finished). */
  byte[] read(int handle) {
    return engine(handle).read();
  }

  /** No more input: what is left comes out through {@link #read}. */
  void finish(int handle) {
    engine(handle).finish();
  }

  void free(int handle) {
    Engine e = open.remove(handle);
    if (e != null) {
      e.end();
    }
  }

  void closeAll() {
    open.values().forEach(Engine::end);
    open.clear();
  }

  private Engine engine(int handle) {
    Engine e = open.get(handle);
    if (e == null) {
      throw new ComponentException("type", "the compression stream is closed (or did not survive a snapshot)");
    }
    return e;
  }

  private abstract static class Engine {
    abstract void write(byte[] input);

    abstract byte[] read();

    abstract void finish();

    abstract void end();
  }

  private static final class Compressor extends Engine {
    private final boolean gzip;
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private boolean headerOut;
    private byte[] trailer;
    private final byte[] buf = new byte[SLICE];

    Compressor(int kind) {
      gzip = kind == GZIP;
      deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, kind != DEFLATE);
    }

    @Override
    void write(byte[] input) {
      if (deflater.finished() || trailer != null) {
        throw new ComponentException("type", "the compression stream is finished");
      }
      if (gzip) {
        crc.update(input);
      }
      deflater.setInput(input);
    }

    @Override
    byte[] read() {
      if (gzip && !headerOut) {
        headerOut = true;
        // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown)
        return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
      }
      if (!deflater.finished()) {
        int n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
        if (n > 0) {
          return Arrays.copyOf(buf, n);
        }
        if (!deflater.finished()) {
          return new byte[0];
        }
      }
      if (gzip && trailer == null) {
        long c = crc.getValue();
        long size = deflater.getBytesRead();
        trailer = new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
            (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)};
        return trailer;
      }
      return new byte[0];
    }

    @Override
    void finish() {
      deflater.finish();
    }

    @Override
    void end() {
      deflater.end();
    }
  }

  private static final class Decompressor extends Engine {
    private final boolean gzip;
    private final Inflater inflater;
    private final CRC32 crc = new CRC32();
    /** gzip: bytes of the header (then of the trailer) not yet complete. */
    private byte[] frame = new byte[0];
    private boolean inBody;
    private boolean done;
    private boolean finished;
    private final byte[] buf = new byte[SLICE];

    Decompressor(int kind) {
      gzip = kind == GZIP;
      inflater = new Inflater(kind != DEFLATE);
      inBody = !gzip;
    }

    @Override
    void write(byte[] input) {
      if (finished) {
        throw new ComponentException("type", "the decompression stream is finished");
      }
      if (input.length == 0) {
        return;
      }
      if (done) {
        throw new ComponentException("type", "junk found after the end of the compressed data");
      }
      if (inBody && !inflater.finished()) {
        if (!inflater.needsInput()) {
          throw new ComponentException("type", "input written before the previous input was read out");
        }
        setInput(input);
        return;
      }
      if (frame.length + input.length > MAX_INPUT) {
        throw new ComponentException("type", "not gzip data: a header (or trailer) longer than " + MAX_INPUT + " bytes");
      }
      frame = concat(frame, input);
      advanceFrame();
    }

    private void setInput(byte[] input) {
      lastInput = input;
      inflater.setInput(input);
    }

    /** Parses a gzip header or trailer from {@link #frame} as far as it goes. */
    private void advanceFrame() {
      if (!inBody) {
        int len = headerLength(frame);
        if (len < 0) {
          return; // need more
        }
        byte[] rest = Arrays.copyOfRange(frame, len, frame.length);
        frame = new byte[0];
        inBody = true;
        if (rest.length > 0) {
          setInput(rest);
        }
      } else if (inflater.finished() && gzip && !done) {
        if (frame.length < 8) {
          return;
        }
        long c = (frame[0] & 0xffL) | (frame[1] & 0xffL) << 8 | (frame[2] & 0xffL) << 16 | (frame[3] & 0xffL) << 24;
        long size = (frame[4] & 0xffL) | (frame[5] & 0xffL) << 8 | (frame[6] & 0xffL) << 16 | (frame[7] & 0xffL) << 24;
        if (c != crc.getValue()) {
          throw new ComponentException("type", "gzip data is corrupt: its CRC-32 does not match");
        }
        if (size != (inflater.getBytesWritten() & 0xffffffffL)) {
          throw new ComponentException("type", "gzip data is corrupt: its length does not match");
        }
        if (frame.length > 8) {
          throw new ComponentException("type", "junk found after the end of the compressed data");
        }
        done = true;
      }
    }

    /** The length of a complete gzip header at the start of b, or -1 if b holds only part of one. */
    private static int headerLength(byte[] b) {
      if (b.length >= 1 && (b[0] & 0xff) != 0x1f || b.length >= 2 && (b[1] & 0xff) != 0x8b || b.length >= 3 && b[2] != 8) {
        throw new ComponentException("type", "not gzip data: the header is wrong");
      }
      if (b.length < 10) {
        return -1;
      }
      int flg = b[3] & 0xff;
      if ((flg & 0xe0) != 0) {
        throw new ComponentException("type", "not gzip data: reserved header flags are set");
      }
      int p = 10;
      if ((flg & 4) != 0) { // FEXTRA
        if (b.length < p + 2) {
          return -1;
        }
        p += 2 + ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8);
      }
      for (int bit : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
        if ((flg & bit) != 0) {
          while (p < b.length && b[p] != 0) {
            p++;
          }
          if (p >= b.length) {
            return -1;
          }
          p++;
        }
      }
      if ((flg & 2) != 0) { // FHCRC
        p += 2;
      }
      return p <= b.length ? p : -1;
    }

    @Override
    byte[] read() {
      if (!inBody || inflater.finished()) {
        return endOfInput();
      }
      int n;
      try {
        n = inflater.inflate(buf);
      } catch (DataFormatException e) {
        throw new ComponentException("type", "the compressed data is corrupt: " + e.getMessage());
      }
      if (n == 0 && inflater.needsDictionary()) {
        throw new ComponentException("type", "the compressed data needs a preset dictionary, which is not supported");
      }
      if (gzip) {
        crc.update(buf, 0, n);
      }
      if (inflater.finished()) {
        byte[] tail = currentInputTail(inflater.getRemaining());
        if (gzip) {
          frame = tail;
          advanceFrame();
        } else if (tail.length > 0) {
          throw new ComponentException("type", "junk found after the end of the compressed data");
        } else {
          done = true;
        }
      } else if (n == 0) {
        return endOfInput();
      }
      return Arrays.copyOf(buf, n);
    }

    /** Nothing more comes out until more input: fine, unless the input has ended too early. */
    private byte[] endOfInput() {
      if (finished && !done) {
        throw new ComponentException("type", "the compressed data ended before its end (truncated input)");
      }
      return new byte[0];
    }

    private byte[] lastInput = new byte[0];

    private byte[] currentInputTail(int rem) {
      return rem == 0 ? new byte[0] : Arrays.copyOfRange(lastInput, lastInput.length - rem, lastInput.length);
    }

    @Override
    void finish() {
      finished = true;
    }

    @Override
    void end() {
      inflater.end();
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] out = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
  }
}
