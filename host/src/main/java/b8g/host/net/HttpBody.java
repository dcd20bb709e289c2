package b8g.host.net;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A response body's framing (RFC 9112 section 6.3) as an {@link InputStream} that ends where the
 * body ends: none (HEAD, 1xx, 204, 304), chunked, {@code Content-Length}, or the end of the
 * connection. Whatever the server sends is checked: a chunk size that is not hex or is too long,
 * a missing CRLF after a chunk, conflicting lengths or a body cut short fail with an
 * {@link IOException} saying what; the component's reader then sees {@code channel.broken} and
 * its body stream a {@code TypeError}.
 */
final class HttpBody {
  private static final int MAX_LINE = 4096;

  private HttpBody() {}

  static InputStream framed(InputStream in, String method, int status, List<String> headers, String url) throws IOException {
    if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
      return InputStream.nullInputStream();
    }
    String te = null;
    String length = null;
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      if (headers.get(i).equals("transfer-encoding")) {
        te = te == null ? headers.get(i + 1) : te + "," + headers.get(i + 1);
      } else if (headers.get(i).equals("content-length")) {
        String v = headers.get(i + 1);
        if (length != null && !length.equals(v)) {
          throw new Http1Client.Malformed("the response has two different Content-Length values");
        }
        length = v;
      }
    }
    if (te != null) {
      String[] codings = te.split(",");
      if (codings[codings.length - 1].strip().equalsIgnoreCase("chunked")) {
        return new Chunked(in);
      }
      return in; // a body of other codings runs to the end of the connection
    }
    if (length != null) {
      if (!length.matches("[0-9]{1,18}")) {
        throw new Http1Client.Malformed("the response's Content-Length \"" + Http1Client.printable(length) + "\" is not a number");
      }
      return new Fixed(in, Long.parseLong(length));
    }
    return in;
  }

  /** Exactly {@code length} bytes; fewer is an error. */
  private static final class Fixed extends InputStream {
    private final InputStream in;
    private final long length;
    private long left;

    Fixed(InputStream in, long length) {
      this.in = in;
      this.length = length;
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new Http1Client.Malformed("the response body ended after " + (length - left) + " of its " + length + " bytes");
      }
      left -= n;
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Chunked transfer coding: hex size lines (extensions ignored), data, CRLF; trailers skipped. */
  private static final class Chunked extends InputStream {
    private final InputStream in;
    private long left;
    private boolean ended;
    private boolean first = true;

    Chunked(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (ended) {
        return -1;
      }
      if (left == 0) {
        if (!first) {
          String crlf = line();
          if (!crlf.isEmpty()) {
            throw new Http1Client.Malformed("a chunk of the response body is longer than its size says");
          }
        }
        first = false;
        String size = line();
        int semi = size.indexOf(';');
        String hex = (semi < 0 ? size : size.substring(0, semi)).strip();
        if (!hex.matches("[0-9A-Fa-f]{1,15}")) {
          throw new Http1Client.Malformed("the response body's chunk size \"" + Http1Client.printable(size) + "\" is not a hex number");
        }
        left = Long.parseLong(hex, 16);
        if (left == 0) {
          for (int n = 0; !line().isEmpty(); n++) {
            if (n > 256) {
              throw new Http1Client.Malformed("the response body has more than 256 trailer lines");
            }
          }
          ended = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new Http1Client.Malformed("the response body ended in the middle of a chunk");
      }
      left -= n;
      return n;
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder();
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new Http1Client.Malformed("the response body ended before its last chunk");
        }
        if (c == '\n') {
          int n = s.length();
          return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
        }
        if (s.length() >= MAX_LINE) {
          throw new Http1Client.Malformed("a chunk line of the response body is longer than " + MAX_LINE + " bytes");
        }
        s.append((char) c);
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
