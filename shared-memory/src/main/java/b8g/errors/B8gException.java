package b8g.errors;

/**
 * The one unchecked root of every error b8g raises. A code names the exact condition (stable, for
 * scripts and tests); the category names the family and decides the CLI's exit code.
 *
 * <p>Messages say what is wrong, where, and what to do. They never contain a secret, and never a
 * Java stack trace meant for a component: errors that reach JS are re-thrown there as JS errors.
 */
public class B8gException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Families of errors. The exit code of the CLI is derived from the category. */
  public enum Category {
    /** Wrong command-line use. */
    USAGE(2),
    /** A manifest that cannot be read or does not validate. */
    MANIFEST(3),
    /** A capability that is missing, revoked, too narrow, or a failed link. */
    CAPABILITY(4),
    /** Shared memory or a channel: out of range, corrupt, closed. */
    MEMORY(5),
    /** A component failed, was terminated, or could not start. */
    COMPONENT(6),
    /** A stack image that is malformed, corrupt or incompatible. */
    IMAGE(7),
    /** The registry or a unit in it. */
    REGISTRY(8),
    /** Files, sockets and anything else the host does for itself. */
    IO(9),
    /** A bug in b8g: an invariant that should have held did not. */
    INTERNAL(70);

    private final int exitCode;

    Category(int exitCode) {
      this.exitCode = exitCode;
    }

    /** The process exit code the CLI uses for this family. */
    public int exitCode() {
      return exitCode;
    }
  }

  private final String code;
  private final Category category;

  public B8gException(Category category, String code, String message) {
    super(message);
    this.category = category;
    this.code = code;
  }

  public B8gException(Category category, String code, String message, Throwable cause) {
    super(message, cause);
    this.category = category;
    this.code = code;
  }

  /** Stable machine-readable condition, for example {@code channel.corrupt}. */
  public String code() {
    return code;
  }

  public Category category() {
    return category;
  }
}
