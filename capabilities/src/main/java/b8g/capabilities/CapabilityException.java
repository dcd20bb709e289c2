package b8g.capabilities;

import b8g.errors.B8gException;

/**
 * A capability that is unknown, revoked, of the wrong kind or too narrow, or a refused link. Reaches
 * JS as a {@code CapabilityError} with the same code. A refused link never says why it was refused
 * beyond "refused" (a wrong, rotated or nonexistent secret look the same).
 */
public final class CapabilityException extends B8gException {
  private static final long serialVersionUID = 1L;

  public CapabilityException(String code, String message) {
    super(Category.CAPABILITY, code, message);
  }
}
