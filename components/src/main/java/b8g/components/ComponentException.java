package b8g.components;

import b8g.errors.B8gException;

/** A component could not start, failed, or asked for something the host refused. */
public final class ComponentException extends B8gException {
  private static final long serialVersionUID = 1L;

  public ComponentException(String code, String message) {
    super(code.startsWith("capability.") || code.startsWith("link.") ? Category.CAPABILITY : Category.COMPONENT, code, message);
  }

  public ComponentException(String code, String message, Throwable cause) {
    super(Category.COMPONENT, code, message, cause);
  }
}
