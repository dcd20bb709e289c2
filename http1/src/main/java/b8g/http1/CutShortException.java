package b8g.http1;

import java.io.EOFException;

/**
 * The connection ended before the response did: in its head, inside a body of a declared length
 * or inside a chunked body. The message says in what and at which byte of the response; it holds
 * no server text. A lost connection rather than a protocol fault, which is why it is an
 * {@link EOFException} and not a {@link FramingException}.
 */
public final class CutShortException extends EOFException {
  private static final long serialVersionUID = 1L;

  CutShortException(String message) {
    super(message);
  }
}
