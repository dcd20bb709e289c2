package b8g.host.manifest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A place in a manifest file: 1-based line and column, or 0 for either when unknown.
 *
 * <p>{@code file} is the path as the user gave it (for messages), not necessarily absolute.
 */
public record SourceLocation(Path file, int line, int column) {
  public SourceLocation {
    Objects.requireNonNull(file, "file");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column are 1-based or 0 (unknown): " + line + ":" + column);
    }
  }

  /** A location in {@code file} whose line and column are not known. */
  public static SourceLocation unknown(Path file) {
    return new SourceLocation(file, 0, 0);
  }

  /** {@code file:line:col}, {@code file:line} or {@code file}, depending on what is known. */
  @Override
  public String toString() {
    if (line == 0) {
      return file.toString();
    }
    return column == 0 ? file + ":" + line : file + ":" + line + ":" + column;
  }
}
