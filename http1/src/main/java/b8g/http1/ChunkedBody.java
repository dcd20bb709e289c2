package b8g.http1;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A {@code chunked} body (RFC 9112, section 7.1): the chunks' data, then -1 once the last chunk and
 * the trailers (read within the head's bounds, then dropped) are read. A chunk size is 1 to 15
 * hex digits (so no overflow), optionally followed by extensions, on a line of at most
 * {@link ResponseBody#MAX_CHUNK_LINE} bytes; each chunk's data is followed by CRLF, checked when
 * the next chunk is reached.
 */
final class ChunkedBody extends InputStream {
  private final LineReader r;
  /** Data bytes left in the current chunk. */
  private long left;
  /** Data bytes returned so far. */
  private long delivered;
  private boolean started;
  private boolean done;

  ChunkedBody(LineReader r) {
    this.r = r;
  }

  @Override
  public int read() throws IOException {
    if (left == 0 && !nextChunk()) {
      return -1;
    }
    int c = r.read();
    if (c < 0) {
      throw cutShort();
    }
    left--;
    delivered++;
    return c;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (left == 0 && !nextChunk()) {
      return -1;
    }
    int n = r.read(b, off, (int) Math.min(len, left));
    if (n < 0) {
      throw cutShort();
    }
    left -= n;
    delivered += n;
    return n;
  }

  private CutShortException cutShort() {
    return new CutShortException("the connection ended inside a chunk (after body byte " + delivered + "), at byte "
        + r.position());
  }

  /** Reads up to the next chunk's data: false when the body has ended (last chunk and trailers read). */
  private boolean nextChunk() throws IOException {
    if (done) {
      return false;
    }
    if (started) {
      endOfChunk();
    }
    started = true;
    long at = r.position();
    String what = "a chunk size line (after body byte " + delivered + ")";
    String line = LineReader.strict(r.raw(ResponseBody.MAX_CHUNK_LINE, what, null, ResponseBody.MAX_CHUNK_LINE), what, at);
    int semi = line.indexOf(';');
    String size = FieldSection.trim(semi < 0 ? line : line.substring(0, semi), 0);
    if (!isHex(size)) {
      throw new FramingException("bad chunk size line " + b8g.errors.Printable.of(line, 80) + " after body byte " + delivered
          + ", at byte " + at + ": 1 to 15 hex digits wanted (then optional ;extensions)");
    }
    left = Long.parseLong(size, 16);
    if (left > 0) {
      return true;
    }
    FieldSection.read(r, r.position(), ResponseHead.MAX_BYTES, ResponseHead.MAX_FIELD_LINES, "trailer",
        "the trailers (after body byte " + delivered + ")", null, null);
    done = true;
    return false;
  }

  /** The CRLF after a chunk's data. */
  private void endOfChunk() throws IOException {
    long at = r.position();
    int cr = r.read();
    int lf = cr < 0 ? -1 : r.read();
    if (lf < 0) {
      throw new CutShortException("the connection ended before the CRLF after the chunk that ends at body byte " + delivered
          + ", at byte " + r.position());
    }
    if (cr != '\r' || lf != '\n') {
      throw new FramingException("the chunk that ends at body byte " + delivered + " is not followed by CRLF at byte " + at
          + " (its data is longer than its size line says)");
    }
  }

  private static boolean isHex(String s) {
    if (s.isEmpty() || s.length() > 15) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int available() throws IOException {
    return left == 0 ? 0 : (int) Math.min(r.available(), left);
  }

  @Override
  public void close() throws IOException {
    r.close();
  }
}
