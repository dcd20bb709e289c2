package b8g.http1;

import b8g.errors.Printable;
import java.io.InputStream;
import java.util.List;

/**
 * How a response's body is framed (RFC 9112, section 6.3), and the stream that ends where the body
 * ends: none (a response to HEAD, 1xx, 204, 304), {@code Transfer-Encoding: chunked}, {@code
 * Content-Length}, or the end of the connection when neither is there.
 *
 * <p>Refused with a {@link FramingException} naming the header line's byte: a {@code
 * Content-Length} that is not 1 to 18 decimal digits, several that differ (in one line's list or
 * across lines), a {@code Transfer-Encoding} other than {@code chunked} alone (no other coding is
 * decoded), and both headers at once. These are checked for every response, bodiless ones too.
 * The streams check the body as they read it: see {@link #open}.
 */
public final class ResponseBody {
  /** The most bytes of a chunk size line (extensions included), its CRLF included. */
  public static final int MAX_CHUNK_LINE = 4096;

  private ResponseBody() {}

  /**
   * The body's length that {@code head}'s {@code Content-Length} declares; -1 when the body is
   * chunked or no length is declared.
   *
   * @throws FramingException the framing headers are refused (see the class javadoc)
   */
  public static long contentLength(ResponseHead head) throws FramingException {
    return Math.max(-1, framing(head));
  }

  /**
   * The body of the response whose {@code head} was read from {@code in}, as a stream over
   * {@code in} that returns -1 where the body ends (closing it closes {@code in}). A chunked body
   * yields the chunks' data; each chunk's CRLF is checked when the next chunk is reached (so that
   * data is returned as soon as it came), and the trailers are read within
   * {@link ResponseHead#MAX_BYTES} and {@link ResponseHead#MAX_FIELD_LINES} and dropped. A body
   * of a declared length ends after that length. A body that runs to the end of the connection
   * is {@code in} itself. A malformed chunk fails the read with a {@link FramingException}, a
   * connection that ends inside the body with a {@link CutShortException}, each naming the body
   * byte and the byte of the response where it happened. Not thread-safe.
   *
   * @param headRequest whether the request was {@code HEAD} (no body, whatever the head says)
   * @throws FramingException the framing headers are refused (see the class javadoc)
   */
  public static InputStream open(InputStream in, ResponseHead head, boolean headRequest) throws FramingException {
    long framing = framing(head);
    int status = head.status();
    if (headRequest || status < 200 || status == 204 || status == 304) {
      return InputStream.nullInputStream();
    }
    if (framing == CHUNKED) {
      return new ChunkedBody(new LineReader(in, head.length()));
    }
    return framing >= 0 ? new FixedLengthBody(in, framing, head.length()) : in;
  }

  private static final long CHUNKED = -2;

  /** The declared length, -1 for none, or {@link #CHUNKED}; refuses what the class javadoc says. */
  private static long framing(ResponseHead head) throws FramingException {
    List<String> f = head.fields();
    String te = null;
    long teAt = -1;
    String length = null;
    String lengths = null;
    long lengthAt = -1;
    for (int i = 0; i < f.size(); i += 2) {
      String value = f.get(i + 1);
      long at = head.at(i / 2);
      if (f.get(i).equals("transfer-encoding")) {
        te = te == null ? value : te + ", " + value;
        teAt = teAt < 0 ? at : teAt;
      } else if (f.get(i).equals("content-length")) {
        lengths = lengths == null ? value : lengths + ", " + value;
        lengthAt = lengthAt < 0 ? at : lengthAt;
        for (String item : value.split(",", -1)) {
          String v = FieldSection.trim(item, 0);
          if (!isDecimal(v)) {
            throw new FramingException("the Content-Length " + Printable.of(value, 80)
                + " is not 1 to 18 decimal digits (header line at byte " + at + ")");
          }
          if (length != null && !length.equals(v)) {
            throw new FramingException("the response has conflicting Content-Length values " + Printable.of(lengths, 80)
                + " (header line at byte " + at + ")");
          }
          length = v;
        }
      }
    }
    if (te != null) {
      String[] codings = te.split(",", -1);
      if (!FieldSection.trim(codings[codings.length - 1], 0).equalsIgnoreCase("chunked")) {
        throw new FramingException("the Transfer-Encoding " + Printable.of(te, 80)
            + " does not end with chunked (no other transfer coding is taken; header line at byte " + teAt + ")");
      }
      if (codings.length > 1) {
        throw new FramingException("the Transfer-Encoding " + Printable.of(te, 80)
            + " applies other codings before chunked (only chunked alone is taken; header line at byte " + teAt + ")");
      }
      if (length != null) {
        throw new FramingException("the response has both Transfer-Encoding " + Printable.of(te, 80) + " and Content-Length "
            + Printable.of(lengths, 80) + "; refused (RFC 9112, 6.3; header lines at bytes " + teAt + " and " + lengthAt + ")");
      }
      return CHUNKED;
    }
    return length == null ? -1 : Long.parseLong(length);
  }

  private static boolean isDecimal(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
