package b8g.http1;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a response's framing lines (status line, field lines, chunk size lines) and, for a
 * chunked body, its data, counting the bytes of the response consumed so far, so that every error
 * names the byte where it is. Lines are read a byte at a time: nothing past a line's LF is taken
 * from the stream. Not thread-safe.
 */
final class LineReader {
  private final InputStream in;
  private final StringBuilder line = new StringBuilder(128);
  private long position;

  /** Reads {@code in}, whose next byte is byte {@code position} of the response. */
  LineReader(InputStream in, long position) {
    this.in = in;
    this.position = position;
  }

  /** The number of the next byte to be read, counted from the response's first byte. */
  long position() {
    return position;
  }

  /**
   * The next line up to its LF, the LF left out and a CR before it kept (see {@link #strict}), as
   * ISO-8859-1 text. It may take at most {@code max} bytes, its LF included; beyond that it fails
   * before reading more.
   *
   * @param what names the line in errors ("a header line")
   * @param where the section {@code max} is what remains of (and where a lost connection ended),
   *     as "the response head"; null when {@code max} bounds the line alone
   * @param limit the bound an error names: the section's whole budget, or the line's
   * @throws FramingException the line goes over {@code max}
   * @throws CutShortException the stream ends before the line's LF
   */
  String raw(int max, String what, String where, int limit) throws IOException {
    long start = position;
    line.setLength(0);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new CutShortException("the connection ended in " + (where == null ? what : where) + ", at byte " + position
            + (where == null ? "" : ", in " + what + " that began at byte " + start));
      }
      position++;
      if (c == '\n') {
        return line.toString();
      }
      if (position - start >= max) {
        throw new FramingException(what + " at byte " + start
            + (where == null ? " is longer than " : " makes " + where + " larger than ") + limit + " bytes");
      }
      line.append((char) c);
    }
  }

  /**
   * {@code raw} (a line {@link #raw} returned, which began at byte {@code at}) without its CR, once
   * it is known to have ended with CRLF and to hold no control character but HTAB (obs-text,
   * 0x80-0xFF, is allowed).
   *
   * @throws FramingException a bare LF, a CR inside the line, or another control character
   */
  static String strict(String raw, String what, long at) throws FramingException {
    int n = raw.length() - 1;
    if (n < 0 || raw.charAt(n) != '\r') {
      throw new FramingException(what + " at byte " + at + " ends with a bare LF (CRLF wanted)");
    }
    for (int i = 0; i < n; i++) {
      char c = raw.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        throw new FramingException(what + " at byte " + at + " has control character 0x" + Integer.toHexString(c)
            + " at index " + i + (c == '\r' ? " (a CR not followed by LF)" : ""));
      }
    }
    return raw.substring(0, n);
  }

  /** Reads the next byte of a body; -1 at the end of the stream. */
  int read() throws IOException {
    int c = in.read();
    if (c >= 0) {
      position++;
    }
    return c;
  }

  /** Reads body bytes as {@link InputStream#read(byte[], int, int)} does. */
  int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  /** The bytes readable now without blocking, as {@link InputStream#available()} says. */
  int available() throws IOException {
    return in.available();
  }

  void close() throws IOException {
    in.close();
  }
}
