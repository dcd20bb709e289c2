package b8g.host;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Something the host did or saw that an operator may want in a log: every grant, link, refused
 * link, revocation, start, end, restart, termination and deadlock. Events never carry a secret.
 *
 * <p>{@code detail} is the line {@code b8g run -v} prints; {@code fields} say the same thing
 * structured, for machines ({@link EventJson}, JDK Flight Recorder): keys are fixed per kind (the
 * table in the README, "Seeing inside a host"), values are strings, numbers, booleans, lists of
 * those or maps of those, in a stable order. Component names and every string value are user data
 * (a child's name carries its script's file name): a reader must escape them.
 *
 * @param time when the host emitted it
 * @param kind what happened
 * @param component the component it concerns, or {@code host}
 * @param detail the same in words
 * @param fields the same, structured; unmodifiable
 */
public record HostEvent(Instant time, Kind kind, String component, String detail, Map<String, Object> fields) {
  /** What happened. */
  public enum Kind {
    /** A manifest component started (fields: script, isolation, worker_pid, attempt). */
    STARTED,
    /** A capability or a link secret was put in a component's env (fields: see the README). */
    GRANTED,
    /** A component offered a capability to whoever links to it (fields: name, capability, target). */
    EXPORTED,
    /** A component linked to another's exports (fields: to, exports). */
    LINKED,
    /** A link was refused (fields: reason, a code such as {@code link.refused}). */
    LINK_REFUSED,
    /** The host revoked a capability and everything derived from it (fields: env). */
    REVOKED,
    /** A component started another with {@code run} (fields: parent, script). */
    CHILD_STARTED,
    /** A component's {@code main} settled successfully (fields: code, reason). */
    EXITED,
    /** A component failed: rejected, threw, or could not start (fields: code, cause, reason). */
    FAILED,
    /** The host ended a component: a limit, a deadlock, its parent, shutdown (fields: code, cause, reason). */
    TERMINATED,
    /** A failed component is started again (fields: attempt, max). */
    RESTARTED,
    /** A script of a component changed under {@code --watch} (fields: file). */
    SCRIPT_CHANGED,
    /** No component could make progress; every one was ended (fields: waits, who waits on what). */
    DEADLOCK,
    /** The host closed. */
    STOPPED;

    /** The kind's name in JSON and JFR: lower case, {@code link_refused}. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public HostEvent {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** An event of now without structured fields. */
  public HostEvent(Kind kind, String component, String detail) {
    this(Instant.now(), kind, component, detail, Map.of());
  }

  /**
   * Fields from alternating keys and values, in that order; a null value leaves its key out.
   * Lists and maps are copied.
   */
  static Map<String, Object> fields(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      Object v = keysAndValues[i + 1];
      if (v instanceof List<?> l) {
        v = List.copyOf(l);
      } else if (v instanceof Map<?, ?> m) {
        v = Collections.unmodifiableMap(new LinkedHashMap<>(m));
      }
      if (v != null) {
        out.put((String) keysAndValues[i], v);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return kind.id() + " " + component + (detail.isEmpty() ? "" : ": " + detail);
  }
}
