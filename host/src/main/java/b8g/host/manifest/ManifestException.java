package b8g.host.manifest;

import b8g.errors.B8gException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A manifest that cannot be read or does not validate. The message reads
 * {@code file:line:col: what is wrong; what to do}; {@link #detail()} is the part after the location.
 *
 * <p>Codes are stable (for scripts and tests), for example {@code manifest.unknown_handle}; the
 * category is always {@link B8gException.Category#MANIFEST}.
 */
public final class ManifestException extends B8gException {
  private static final long serialVersionUID = 1L;

  private final transient SourceLocation location;
  private final String detail;

  /**
   * @param code stable condition, {@code manifest.*}
   * @param location where in which file; line and column 0 when unknown
   * @param detail what is wrong and what to do, without the location
   */
  public ManifestException(String code, SourceLocation location, String detail) {
    this(code, location, detail, null);
  }

  public ManifestException(String code, SourceLocation location, String detail, Throwable cause) {
    super(Category.MANIFEST, code, Objects.requireNonNull(location, "location") + ": " + detail, cause);
    this.location = location;
    this.detail = detail;
  }

  /** Where the problem is. */
  public SourceLocation location() {
    return location;
  }

  /** The manifest file, as the user named it. */
  public Path file() {
    return location.file();
  }

  /** 1-based line, 0 if unknown. */
  public int line() {
    return location.line();
  }

  /** 1-based column, 0 if unknown. */
  public int column() {
    return location.column();
  }

  /** The message without the leading location. */
  public String detail() {
    return detail;
  }
}
