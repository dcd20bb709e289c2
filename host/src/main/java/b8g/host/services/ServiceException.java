package b8g.host.services;

import java.util.regex.Pattern;

/**
 * What a service method throws to fail a call with a code and a message of its choosing: the
 * calling component gets a {@code CapabilityError} with this code and message. Any other exception
 * a service throws reaches JS only as {@code service.failed} with no detail (its message might
 * carry host internals); never a Java trace or class name.
 */
public class ServiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");

  private final String code;

  /**
   * @param code lower-case words joined by dots ({@code orders.not_found})
   * @param message for the caller; at most 1,024 characters reach JS
   * @throws IllegalArgumentException for a code of another shape
   */
  public ServiceException(String code, String message) {
    super(message, null, false, false);
    if (code == null || !CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("a service error code is lower-case words joined by dots, not " + code);
    }
    this.code = code;
  }

  public String code() {
    return code;
  }
}
