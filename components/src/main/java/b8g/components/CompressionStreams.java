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
 * header or checksum, on a gzip header longer than {@link #MAX_HEADER}, on data after the end of
 * the compressed stream, and on input that ends before it.
 *
 * <p>Host memory is outside the component's heap budget, so it is bounded here: at most
 * {@link #MAX_OPEN} engines at once per component; an engine takes its zlib state (a few hundred
 * KiB of native memory) only at its first input or output and gives it back as soon as its data
 * has ended, failed, or the stream is freed; one {@link #SLICE} output buffer serves all of a
 * component's engines; an engine holds at most one input chunk ({@link #MAX_INPUT}: a write
 * before the previous input was read out is refused) and a gzip header of at most
 * {@link #MAX_HEADER}. Each engine is freed by {@link #free} (the stream closed, cancelled or
 * errored), on its first error, and all by {@link #closeAll} when the component ends. Only the
 * component's own thread calls in: no locking.
 */
final class CompressionStreams {
  static final int MAX_OPEN = 16;
  static final int SLICE = 64 << 10;
  /** Largest input chunk one write takes; the prelude splits bigger ones (its ZIP_CHUNK). */
  static final int MAX_INPUT = 64 << 10;
  /** Longest gzip header (FEXTRA, FNAME, FCOMMENT included) a DecompressionStream accepts. */
  static final int MAX_HEADER = 64 << 10;

  static final int GZIP = 1;
  static final int DEFLATE = 2;
  static final int DEFLATE_RAW = 3;

  private static final byte[] EMPTY = new byte[0];

  private final Map<Integer, Engine> open = new HashMap<>();
  /** The output buffer of every engine (one call at a time); allocated at the first read. */
  private byte[] scratch;
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
      throw new ComponentException("range", "too many CompressionStream/DecompressionStream objects open at once (at most " + MAX_OPEN
          + " per component); close, cancel or finish one first");
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
    Engine e = engine(handle);
    try {
      e.write(input);
    } catch (RuntimeException x) {
      free(handle);
      throw x;
    }
  }

  /** The next slice of output: empty when the engine needs more input (or has finished). */
  byte[] read(int handle) {
    Engine e = engine(handle);
    if (scratch == null) {
      scratch = new byte[SLICE];
    }
    try {
      return e.read(scratch);
    } catch (RuntimeException x) {
      free(handle);
      throw x;
    }
  }

  /** No more input: what is left comes out through {@link #read}. */
  void finish(int handle) {
    Engine e = engine(handle);
    try {
      e.finish();
    } catch (RuntimeException x) {
      free(handle);
      throw x;
    }
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
    scratch = null;
  }

  /** Engines open now (for tests). */
  int openCount() {
    return open.size();
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

    /** Output into {@code buf} (shared by all engines), returned as a copy. */
    abstract byte[] read(byte[] buf);

    abstract void finish();

    /** Frees the native state; safe to call more than once. */
    abstract void end();
  }

  private static final class Compressor extends Engine {
    private final int kind;
    private final boolean gzip;
    private final CRC32 crc = new CRC32();
    /** Created at the first write, read or finish; ended (and null) once the trailer is out. */
    private Deflater deflater;
    private boolean headerOut;
    private boolean finishing;
    private boolean done;

    Compressor(int kind) {
      this.kind = kind;
      gzip = kind == GZIP;
    }

    private Deflater deflater() {
      if (deflater == null) {
        deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, kind != DEFLATE);
      }
      return deflater;
    }

    @Override
    void write(byte[] input) {
      if (finishing || done) {
        throw new ComponentException("type", "the compression stream is finished");
      }
      Deflater d = deflater();
      if (!d.needsInput()) {
        // setInput would drop the unread rest (the CRC has counted it): corrupt output.
        throw new ComponentException("type", "input written before the previous input was read out");
      }
      if (gzip) {
        crc.update(input);
      }
      d.setInput(input);
    }

    @Override
    byte[] read(byte[] buf) {
      if (gzip && !headerOut) {
        headerOut = true;
        // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=255 (unknown)
        return new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
      }
      if (done) {
        return EMPTY;
      }
      Deflater d = deflater();
      if (!d.finished()) {
        int n = d.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
        if (n > 0) {
          return Arrays.copyOf(buf, n);
        }
        if (!d.finished()) {
          if (d.needsInput()) {
            d.setInput(EMPTY); // the consumed chunk need not stay reachable
          }
          return EMPTY;
        }
      }
      long size = d.getBytesRead();
      end();
      done = true;
      if (gzip) {
        long c = crc.getValue();
        return new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
            (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)};
      }
      return EMPTY;
    }

    @Override
    void finish() {
      if (!done) {
        deflater().finish();
      }
      finishing = true;
    }

    @Override
    void end() {
      if (deflater != null) {
        deflater.end();
        deflater = null;
      }
    }
  }

  private static final class Decompressor extends Engine {
    private final int kind;
    private final boolean gzip;
    private final CRC32 crc = new CRC32();
    /** Created at the first body input; ended (and null) once the compressed data has ended. */
    private Inflater inflater;
    /** The chunk the inflater reads from (its unread tail may hold the gzip trailer). */
    private byte[] input = EMPTY;
    /** gzip: the header read so far (grown as needed, at most {@link #MAX_HEADER}). */
    private byte[] header = EMPTY;
    private int headerLen;
    /** gzip: the trailer read so far. */
    private byte[] trailer;
    private int trailerLen;
    /** The header is behind (at once for deflate and deflate-raw). */
    private boolean inBody;
    /** The compressed data has ended; for gzip the trailer follows. */
    private boolean bodyDone;
    /** Its size, for the gzip trailer. */
    private long outSize;
    /** All of it read and checked. */
    private boolean done;
    /** No more input is coming. */
    private boolean finished;

    Decompressor(int kind) {
      this.kind = kind;
      gzip = kind == GZIP;
      inBody = !gzip;
    }

    private Inflater inflater() {
      if (inflater == null) {
        inflater = new Inflater(kind != DEFLATE);
      }
      return inflater;
    }

    @Override
    void write(byte[] in) {
      if (finished) {
        throw new ComponentException("type", "the decompression stream is finished");
      }
      if (in.length == 0) {
        return;
      }
      if (done) {
        throw new ComponentException("type", "junk found after the end of the compressed data");
      }
      if (!inBody) {
        acceptHeader(in);
      } else if (!bodyDone) {
        Inflater inf = inflater();
        if (!inf.needsInput()) {
          throw new ComponentException("type", "input written before the previous input was read out");
        }
        setInput(in, 0);
      } else {
        acceptTrailer(in, 0);
      }
    }

    private void setInput(byte[] in, int from) {
      input = from == 0 ? in : Arrays.copyOfRange(in, from, in.length);
      inflater().setInput(input);
    }

    /** Takes header bytes (at most {@link #MAX_HEADER} in all); the rest of {@code in} past the header is body. */
    private void acceptHeader(byte[] in) {
      int take = Math.min(in.length, MAX_HEADER - headerLen);
      if (headerLen + take > header.length) {
        header = Arrays.copyOf(header, Math.min(MAX_HEADER, Math.max(headerLen + take, Math.max(64, header.length * 2))));
      }
      System.arraycopy(in, 0, header, headerLen, take);
      headerLen += take;
      int len = headerLength(header, headerLen);
      if (len < 0) {
        if (headerLen >= MAX_HEADER) {
          throw new ComponentException("type", "gzip header too long (more than " + MAX_HEADER + " bytes)");
        }
        return; // need more
      }
      // The header's end is within its own buffer; what follows it there and the untaken rest of in are body.
      byte[] rest = new byte[headerLen - len + in.length - take];
      System.arraycopy(header, len, rest, 0, headerLen - len);
      System.arraycopy(in, take, rest, headerLen - len, in.length - take);
      header = EMPTY;
      headerLen = 0;
      inBody = true;
      if (rest.length > 0) {
        setInput(rest, 0);
      }
    }

    /** Takes gzip trailer bytes from {@code in[from..]}: checked once all 8 are in; anything after them is junk. */
    private void acceptTrailer(byte[] in, int from) {
      if (trailer == null) {
        trailer = new byte[8];
      }
      int take = Math.min(8 - trailerLen, in.length - from);
      System.arraycopy(in, from, trailer, trailerLen, take);
      trailerLen += take;
      if (trailerLen < 8) {
        return;
      }
      byte[] t = trailer;
      long c = (t[0] & 0xffL) | (t[1] & 0xffL) << 8 | (t[2] & 0xffL) << 16 | (t[3] & 0xffL) << 24;
      long size = (t[4] & 0xffL) | (t[5] & 0xffL) << 8 | (t[6] & 0xffL) << 16 | (t[7] & 0xffL) << 24;
      if (c != crc.getValue()) {
        throw new ComponentException("type", "gzip data is corrupt: its CRC-32 does not match");
      }
      if (size != (outSize & 0xffffffffL)) {
        throw new ComponentException("type", "gzip data is corrupt: its length does not match");
      }
      if (from + take < in.length) {
        throw new ComponentException("type", "junk found after the end of the compressed data");
      }
      done = true;
    }

    /** The length of a complete gzip header at the start of b[0..n), or -1 if it holds only part of one. */
    private static int headerLength(byte[] b, int n) {
      if (n >= 1 && (b[0] & 0xff) != 0x1f || n >= 2 && (b[1] & 0xff) != 0x8b || n >= 3 && b[2] != 8) {
        throw new ComponentException("type", "not gzip data: the header is wrong");
      }
      if (n < 10) {
        return -1;
      }
      int flg = b[3] & 0xff;
      if ((flg & 0xe0) != 0) {
        throw new ComponentException("type", "not gzip data: reserved header flags are set");
      }
      int p = 10;
      if ((flg & 4) != 0) { // FEXTRA
        if (n < p + 2) {
          return -1;
        }
        p += 2 + ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8);
      }
      for (int bit : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
        if ((flg & bit) != 0) {
          while (p < n && b[p] != 0) {
            p++;
          }
          if (p >= n) {
            return -1;
          }
          p++;
        }
      }
      if ((flg & 2) != 0) { // FHCRC
        p += 2;
      }
      return p <= n ? p : -1;
    }

    @Override
    byte[] read(byte[] buf) {
      if (!inBody || bodyDone || inflater == null) {
        return endOfInput();
      }
      Inflater inf = inflater;
      int n;
      try {
        n = inf.inflate(buf);
      } catch (DataFormatException e) {
        throw new ComponentException("type", "the compressed data is corrupt: " + e.getMessage());
      }
      if (n == 0 && inf.needsDictionary()) {
        throw new ComponentException("type", "the compressed data needs a preset dictionary, which is not supported");
      }
      if (gzip) {
        crc.update(buf, 0, n);
      }
      if (inf.finished()) {
        int rem = inf.getRemaining();
        byte[] src = input;
        outSize = inf.getBytesWritten();
        bodyDone = true;
        end(); // the native state is not needed for the trailer
        if (gzip) {
          if (rem > 0) {
            acceptTrailer(src, src.length - rem);
          }
        } else if (rem > 0) {
          throw new ComponentException("type", "junk found after the end of the compressed data");
        } else {
          done = true;
        }
      } else if (n == 0) {
        if (inf.needsInput()) {
          input = EMPTY;
          inf.setInput(EMPTY); // the consumed chunk need not stay reachable
        }
        return endOfInput();
      }
      return Arrays.copyOf(buf, n);
    }

    /** Nothing more comes out until more input: fine, unless the input has ended too early. */
    private byte[] endOfInput() {
      if (finished && !done) {
        throw new ComponentException("type", "the compressed data ended before its end (truncated input)");
      }
      return EMPTY;
    }

    @Override
    void finish() {
      finished = true;
      header = EMPTY;
      headerLen = 0;
    }

    @Override
    void end() {
      if (inflater != null) {
        inflater.end();
        inflater = null;
      }
      input = EMPTY;
    }
  }
}
