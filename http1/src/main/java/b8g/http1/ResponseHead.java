package b8g.http1;

import b8g.errors.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The head of an HTTP/1.1 response (RFC 9112): its status line and header fields, read strictly
 * from bytes a server sent, interim (1xx) responses before it skipped.
 *
 * <p>What is taken: a status line {@code HTTP/1.0} or {@code HTTP/1.1}, a space and three digits,
 * then nothing or a space and a reason phrase; header lines {@code token ":" OWS value OWS}; every
 * line ended by CRLF, with no control character but HTAB. What is refused, with a
 * {@link FramingException} naming what and the byte of the response where it is: anything else
 * (a bare LF, a folded line, a space before a colon, a NUL), a head over {@value #MAX_BYTES} bytes
 * (interim responses included), more than {@value #MAX_FIELD_LINES} header lines in one response,
 * more than {@value #MAX_INTERIM} interim responses. A connection that ends inside the head is a
 * {@link CutShortException}. The header fields that frame the body are checked by
 * {@link ResponseBody}, not here.
 *
 * <p>Immutable once read; safe to share between threads.
 */
public final class ResponseHead {
  /** The most bytes of a head, interim responses and the final response's empty line included. */
  public static final int MAX_BYTES = 64 * 1024;
  /** The most header lines of one response (and trailer lines of a chunked body). */
  public static final int MAX_FIELD_LINES = 256;
  /** The most interim (1xx) responses skipped before the final one. */
  public static final int MAX_INTERIM = 16;

  private final int status;
  private final String reason;
  private final List<String> fields;
  private final List<Long> at;
  private final long length;

  private ResponseHead(int status, String reason, List<String> fields, List<Long> at, long length) {
    this.status = status;
    this.reason = reason;
    this.fields = Collections.unmodifiableList(fields);
    this.at = at;
    this.length = length;
  }

  /**
   * Reads a response's head from {@code in}, which is at the response's first byte: interim
   * responses (1xx but 101) are read and dropped, up to the final response's empty line. Reads a
   * byte at a time and nothing past that empty line, so {@code in} may be a socket's own stream
   * that is handed on afterwards (a {@code CONNECT} tunnel); a buffered stream is faster.
   *
   * @throws FramingException the bytes are not a response head as the class javadoc says
   * @throws CutShortException the stream ended before the head did
   * @throws IOException reading {@code in} failed
   */
  public static ResponseHead read(InputStream in) throws IOException {
    LineReader r = new LineReader(in, 0);
    for (int interim = 0; ; interim++) {
      long lineAt = r.position();
      String raw;
      try {
        raw = r.raw((int) (MAX_BYTES - lineAt), "the status line", "the response head", MAX_BYTES);
      } catch (CutShortException e) {
        if (r.position() == 0) {
          throw new CutShortException("the server closed the connection without a response (no byte of a status line came)");
        }
        throw e;
      }
      int status = status(raw);
      if (status < 0) {
        throw new FramingException("the status line is not HTTP/1.0 or HTTP/1.1 and a three-digit status, at byte " + lineAt
            + " (it began \"" + Printable.of(raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw, 80) + "\")");
      }
      String line = LineReader.strict(raw, "the status line", lineAt);
      List<String> fields = new ArrayList<>();
      List<Long> at = new ArrayList<>();
      FieldSection.read(r, 0, MAX_BYTES, MAX_FIELD_LINES, "header", "the response head", fields, at);
      if (status >= 200 || status == 101) {
        return new ResponseHead(status, line.length() > 13 ? line.substring(13) : "", fields, at, r.position());
      }
      if (interim == MAX_INTERIM) {
        throw new FramingException("the server sent more than " + MAX_INTERIM + " interim (1xx) responses");
      }
    }
  }

  /** The status of {@code line} when it begins as a status line should (the rest is checked by strict), else -1. */
  private static int status(String line) {
    int n = line.length();
    if (n < 12 || !line.startsWith("HTTP/1.") || line.charAt(7) != '0' && line.charAt(7) != '1' || line.charAt(8) != ' ') {
      return -1;
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      status = status * 10 + (c - '0');
    }
    // then CR (no reason), or a space and the reason
    return n == 13 && line.charAt(12) == '\r' || n > 13 && line.charAt(12) == ' ' ? status : -1;
  }

  /** The final response's status code, 100 to 999 (101, or 200 and up). */
  public int status() {
    return status;
  }

  /** The reason phrase, possibly empty (ISO-8859-1 text, no control character but HTAB). */
  public String reason() {
    return reason;
  }

  /**
   * The header fields in the order sent, flat: name (lower case), value (leading and trailing
   * spaces and tabs removed), name, value, ... Unmodifiable.
   */
  public List<String> fields() {
    return fields;
  }

  /** The value of the first field named {@code name} (lower case), or null. */
  public String first(String name) {
    for (int i = 0; i < fields.size(); i += 2) {
      if (fields.get(i).equals(name)) {
        return fields.get(i + 1);
      }
    }
    return null;
  }

  /** The values of every field named {@code name} (lower case), in order; empty when none. */
  public List<String> values(String name) {
    List<String> out = new ArrayList<>(1);
    for (int i = 0; i < fields.size(); i += 2) {
      if (fields.get(i).equals(name)) {
        out.add(fields.get(i + 1));
      }
    }
    return out;
  }

  /** The byte of the response where the header line of field {@code index} (in {@link #fields} / 2) began. */
  long at(int index) {
    return at.get(index);
  }

  /** The bytes the head took, interim responses included: the body's first byte is byte {@code length()}. */
  public long length() {
    return length;
  }
}
