package b8g.host.jfr;

import b8g.host.HostEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Commits a {@link HostEvent} as the JDK Flight Recorder event of its kind ({@code b8g.Grant},
 * {@code b8g.End}, ...; this package's classes). Touching an event class, or even asking
 * {@code FlightRecorder.isAvailable()}, initializes Flight Recorder, which costs 0.1-1 s of start
 * here; so until Flight Recorder has been initialized by someone else (a recording started with
 * {@code -XX:StartFlightRecording}, {@code jcmd PID JFR.start}, or a {@code jdk.jfr.Recording} in
 * the process) an event costs a static read, and without the {@code jdk.jfr} module nothing of it
 * is ever loaded. Once it is initialized the classes are registered (once) and an event is filled
 * only when a recording enables it ({@code shouldCommit()}). Thread-safe.
 */
public final class JfrEvents {
  private static final boolean MODULE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();
  /** Registration failed (a JVM that refuses it): the host runs without recording its events. */
  private static volatile boolean broken;

  private JfrEvents() {}

  /**
   * Whether this JVM can record the host's events: the module is there and Flight Recorder says
   * it is available (asking initializes it: for tools and tests, not for a host's start).
   */
  public static boolean available() {
    return MODULE && Committer.available();
  }

  /** Commits {@code e} to every recording that enables its kind; nothing otherwise. */
  public static void commit(HostEvent e) {
    if (MODULE && !broken && Committer.recorderUp()) {
      try {
        Committer.commit(e);
      } catch (LinkageError x) {
        broken = true;
      }
    }
  }

  /** The only class that names Flight Recorder's classes and ours: loaded only when the module is there. */
  private static final class Committer {
    private static volatile boolean registered;

    /** Whether Flight Recorder is up (someone initialized it): a static read, no initialization. */
    static boolean recorderUp() {
      return jdk.jfr.FlightRecorder.isInitialized();
    }

    static boolean available() {
      return jdk.jfr.FlightRecorder.isAvailable();
    }

    private static synchronized void register() {
      if (registered) {
        return;
      }
      for (Class<? extends jdk.jfr.Event> c : List.of(StartEvent.class, GrantEvent.class, ExportEvent.class,
          LinkEvent.class, LinkRefusedEvent.class, RevokeEvent.class, ChildStartEvent.class, EndEvent.class,
          RestartEvent.class, ScriptChangeEvent.class, DeadlockEvent.class, HostStopEvent.class)) {
        jdk.jfr.FlightRecorder.register(c);
      }
      registered = true;
    }

    static void commit(HostEvent e) {
      if (!registered) {
        register();
      }
      Map<String, Object> f = e.fields();
      switch (e.kind()) {
        case STARTED -> {
          StartEvent j = new StartEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.script = text(f, "script");
            j.isolation = text(f, "isolation");
            j.workerPid = number(f, "worker_pid");
            j.attempt = (int) number(f, "attempt");
            j.commit();
          }
        }
        case GRANTED -> {
          GrantEvent j = new GrantEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.env = text(f, "env");
            j.capability = text(f, "capability");
            j.target = text(f, "target");
            j.rights = text(f, "rights");
            j.origin = f.containsKey("secret_of") ? "secret of " + text(f, "secret_of")
                : f.containsKey("from") ? "from " + text(f, "from") : null;
            j.commit();
          }
        }
        case EXPORTED -> {
          ExportEvent j = new ExportEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.name = text(f, "name");
            j.capability = text(f, "capability");
            j.target = text(f, "target");
            j.commit();
          }
        }
        case LINKED -> {
          LinkEvent j = new LinkEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.to = text(f, "to");
            j.exports = text(f, "exports");
            j.commit();
          }
        }
        case LINK_REFUSED -> {
          LinkRefusedEvent j = new LinkRefusedEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.reason = text(f, "reason");
            j.commit();
          }
        }
        case REVOKED -> {
          RevokeEvent j = new RevokeEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.env = text(f, "env");
            j.commit();
          }
        }
        case CHILD_STARTED -> {
          ChildStartEvent j = new ChildStartEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.parent = text(f, "parent");
            j.script = text(f, "script");
            j.commit();
          }
        }
        case EXITED, FAILED, TERMINATED -> {
          EndEvent j = new EndEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.outcome = e.kind().id();
            j.code = (int) number(f, "code");
            j.cause = text(f, "cause");
            j.reason = text(f, "reason");
            j.commit();
          }
        }
        case RESTARTED -> {
          RestartEvent j = new RestartEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.attempt = (int) number(f, "attempt");
            j.max = (int) number(f, "max");
            j.commit();
          }
        }
        case SCRIPT_CHANGED -> {
          ScriptChangeEvent j = new ScriptChangeEvent();
          if (j.shouldCommit()) {
            j.component = e.component();
            j.file = text(f, "file");
            j.commit();
          }
        }
        case DEADLOCK -> {
          DeadlockEvent j = new DeadlockEvent();
          if (j.shouldCommit()) {
            j.waits = e.detail();
            j.commit();
          }
        }
        case STOPPED -> {
          HostStopEvent j = new HostStopEvent();
          if (j.shouldCommit()) {
            j.commit();
          }
        }
        default -> { }
      }
    }

    /** A field as text: lists joined with ", ", absent as null. */
    private static String text(Map<String, Object> f, String key) {
      Object v = f.get(key);
      if (v instanceof List<?> l) {
        StringBuilder b = new StringBuilder();
        for (Object o : l) {
          b.append(b.length() == 0 ? "" : ", ").append(o);
        }
        return b.toString();
      }
      return v == null ? null : Objects.toString(v);
    }

    private static long number(Map<String, Object> f, String key) {
      return f.get(key) instanceof Number n ? n.longValue() : 0;
    }
  }
}
