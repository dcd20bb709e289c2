package b8g.host;

/**
 * Something the host did or saw that an operator may want in a log: every grant, link, revocation,
 * start, end and termination. Events never carry a secret.
 */
public record HostEvent(Kind kind, String component, String detail) {
  /** What happened. */
  public enum Kind {
    STARTED,
    GRANTED,
    EXPORTED,
    LINKED,
    LINK_REFUSED,
    REVOKED,
    CHILD_STARTED,
    EXITED,
    FAILED,
    TERMINATED,
    RESTARTED,
    SCRIPT_CHANGED,
    /** No component could make progress; every one was ended (detail: who waits on what). */
    DEADLOCK,
    STOPPED
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + component + (detail.isEmpty() ? "" : ": " + detail);
  }
}
