package b8g.http1;

import java.net.ProtocolException;

/**
 * The server's bytes break HTTP/1.1 response framing (RFC 9112): a malformed status line, header
 * line, length or chunk. The message says what is wrong and at which byte of the response
 * (counted from 0 at the first byte of the first status line); server text in it is escaped and
 * clipped, so a client may show it as it is.
 */
public final class FramingException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  FramingException(String message) {
    super(message);
  }
}
