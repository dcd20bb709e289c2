package b8g.bench;

/**
 * A figure could not be produced: a component it depends on ended, or a wait reached its bound.
 * The message says which component and why, for people; {@link Bench} prints it and the run exits
 * non-zero.
 */
final class FigureFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FigureFailed(String message) {
    super(message);
  }

  FigureFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
