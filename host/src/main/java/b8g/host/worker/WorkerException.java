package b8g.host.worker;

import b8g.errors.B8gException;

/**
 * A worker link that ended badly: a worker that sent garbage, an oversized or out-of-order frame,
 * the wrong token, or that could not be started. Codes are {@code worker.*}; the message says what
 * and where (frame number and byte offset). The host survives every one of them.
 */
public final class WorkerException extends B8gException {
  private static final long serialVersionUID = 1L;

  public WorkerException(String code, String message) {
    super(Category.COMPONENT, code, message);
  }

  public WorkerException(String code, String message, Throwable cause) {
    super(Category.COMPONENT, code, message, cause);
  }
}
