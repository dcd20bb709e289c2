package b8g.host;

import b8g.capabilities.Capability;
import b8g.components.Component;
import b8g.components.Component.EnvEntry;
import b8g.components.Component.ExitStatus;
import b8g.components.ComponentException;
import b8g.components.Running;
import b8g.host.manifest.ComponentSpec;
import b8g.host.manifest.GrantSpec;
import b8g.host.manifest.LinkSpec;
import b8g.host.manifest.schema.RestartPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The supervisor of the manifest components: starts each in start order (once its {@code after}
 * components have started) with exactly its grants and link secrets, numbers each start (a
 * generation) so that an older instance's end is told from the current one's, applies the restart
 * policy, restarts a component whose script changed ({@code --watch}), and tells when every one has
 * ended for good. Closing the host or a deadlock ends supervision: no restart follows.
 *
 * <p>Its monitor guards generations, restarts, final statuses and closing. Thread-safe.
 */
final class Supervisor {
  /** A manifest component and its supervision state. */
  private static final class Supervised {
    final ComponentSpec spec;
    /** What the manifest grants it, by env name: roots, from which each start derives. */
    final Map<String, Capability> roots = new LinkedHashMap<>();
    volatile Running current;
    /** Which start is current: a component may end before Component.start has even returned. */
    int generation;
    int restarts;
    volatile ExitStatus finalStatus;

    Supervised(ComponentSpec spec) {
      this.spec = spec;
    }
  }

  private final Map<String, Supervised> supervised = new LinkedHashMap<>();
  private final ComponentFactory factory;
  private final GrantResolver grants;
  private final ChannelEnds ends;
  private final Links links;
  private final Watches watches;
  private final Events events;
  /** Drops what an ended instance leaves in the host (children, channel ends, watches, exports). */
  private final Consumer<Running> released;
  private final Map<String, Host.Restored> restore;
  /** Where each component runs: the worker group of one that runs in a worker, null in this JVM. */
  private final Function<ComponentSpec, String> workerGroup;
  private final Workers workers;
  private volatile boolean closing;
  /** Why the host ended every component as deadlocked, or null. */
  private volatile String deadlock;

  Supervisor(ComponentFactory factory, GrantResolver grants, ChannelEnds ends, Links links, Watches watches,
      Events events, Consumer<Running> released, Map<String, Host.Restored> restore,
      Function<ComponentSpec, String> workerGroup, Workers workers) {
    this.factory = factory;
    this.grants = grants;
    this.ends = ends;
    this.links = links;
    this.watches = watches;
    this.events = events;
    this.released = released;
    this.restore = restore;
    this.workerGroup = workerGroup;
    this.workers = workers;
  }

  /**
   * Resolves every component's grants, then starts them in {@code startOrder}; with
   * {@code restartOnScriptChange}, watches each script.
   */
  void start(List<ComponentSpec> components, List<ComponentSpec> startOrder, boolean restartOnScriptChange) {
    for (ComponentSpec spec : components) {
      supervised.put(spec.name(), new Supervised(spec));
      links.register(spec.name());
    }
    for (Supervised s : supervised.values()) {
      for (GrantSpec g : s.spec.grants()) {
        s.roots.put(g.env(), grants.root(g));
      }
    }
    for (ComponentSpec spec : startOrder) {
      Supervised s = supervised.get(spec.name());
      for (String before : spec.after()) {
        awaitStarted(supervised.get(before));
      }
      // A component may end before start() returns (a pooled start takes microseconds): ended()
      // tells its own end from an older instance's by the start generation, not by s.current.
      start(s);
      if (restartOnScriptChange) {
        watchScript(s);
      }
    }
  }

  private static void awaitStarted(Supervised s) {
    Running c = s.current;
    try {
      if (c != null && !c.awaitStarted(Duration.ofSeconds(30))) {
        throw new ComponentException("component.start", s.spec.name() + " did not start within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComponentException("component.start", "interrupted while starting " + s.spec.name());
    }
  }

  private void start(Supervised s) {
    int gen;
    synchronized (this) {
      gen = ++s.generation;
    }
    ComponentSpec spec = s.spec;
    List<EnvEntry> env = new ArrayList<>();
    for (Map.Entry<String, Capability> e : s.roots.entrySet()) {
      // The manifest's ends are this component's again (after a restart: the same ring, from its
      // own head and tail), whoever held them meanwhile.
      ends.take(e.getValue(), s);
      env.add(EnvEntry.of(e.getKey(), e.getValue().derive()));
      events.emit(HostEvent.Kind.GRANTED, spec.name(), "env." + e.getKey() + " = " + grants.describe(e.getValue()),
          grantFields(spec, e.getKey(), e.getValue()));
    }
    for (LinkSpec l : spec.secrets()) {
      env.add(EnvEntry.value(l.env(), links.secretOf(l.from())));
      events.emit(HostEvent.Kind.GRANTED, spec.name(), "env." + l.env() + " = link secret of " + l.from(),
          HostEvent.fields("env", l.env(), "capability", "secret", "secret_of", l.from()));
    }
    String group = workerGroup.apply(spec);
    Running started;
    if (group == null) {
      Component.Context c = factory.manifestComponent(spec, (comp, status) -> ended(s, gen, comp, status));
      Host.Restored saved = s.restarts == 0 && s.current == null ? restore.get(spec.name()) : null;
      if (saved != null) {
        c.restore(saved.blob(), saved.held());
      }
      env.forEach(c::grant);
      started = Component.start(c);
    } else {
      if (s.restarts == 0 && s.current == null && restore.containsKey(spec.name())) {
        throw new ComponentException("snapshot.isolation", spec.name() + " runs in a worker process, which cannot"
            + " continue from a saved context yet; run it in process to restore it");
      }
      started = workers.start(group, spec, env, (inst, status) -> ended(s, gen, inst, status));
    }
    synchronized (this) {
      // It may have ended and been restarted already; then the newer start is current.
      if (s.generation == gen) {
        s.current = started;
      }
    }
    long pid = group == null ? 0 : workers.pidOf(started);
    events.emit(HostEvent.Kind.STARTED, spec.name(), spec.script().getFileName().toString()
        + (group == null ? "" : " in worker " + pid),
        HostEvent.fields("script", spec.script().getFileName().toString(), "isolation", group == null ? "in-process" : "process",
            "group", spec.processGroup().isEmpty() ? null : spec.processGroup(), "worker_pid", group == null ? null : pid,
            "attempt", s.restarts + 1));
  }

  private void ended(Supervised s, int gen, Running comp, ExitStatus status) {
    // Ends this instance took by link are gone with it; its manifest ends only if no restart follows.
    released.accept(comp);
    HostEvent.Kind kind = switch (status.outcome()) {
      case EXITED -> status.success() ? HostEvent.Kind.EXITED : HostEvent.Kind.FAILED;
      case FAILED -> HostEvent.Kind.FAILED;
      case TERMINATED -> HostEvent.Kind.TERMINATED;
    };
    synchronized (this) {
      // Told under the monitor that orders generations: an end of an older instance (replaced by a
      // script-change restart) says so, and no newer start's events can come before it.
      boolean replaced = s.generation != gen;
      Map<String, Object> fields = endFields(status);
      if (replaced) {
        fields = new LinkedHashMap<>(fields);
        fields.put("replaced", true);
      }
      events.emit(kind, comp.name(), status.reason(), fields);
      if (replaced) {
        return;
      }
      boolean restart = !closing && deadlock == null && !status.success()
          && s.spec.restartMode() == RestartPolicy.Mode.ON_FAILURE && s.restarts < s.spec.maxRestarts();
      if (restart) {
        s.restarts++;
        events.emit(HostEvent.Kind.RESTARTED, comp.name(), "restart " + s.restarts + " of " + s.spec.maxRestarts(),
            HostEvent.fields("attempt", s.restarts, "max", s.spec.maxRestarts()));
        try {
          start(s);
          return;
        } catch (RuntimeException e) {
          status = new ExitStatus(Component.Outcome.FAILED, 1, "restart failed: " + e.getMessage());
        }
      }
      s.finalStatus = status;
      ends.release(s);
      notifyAll();
    }
  }

  /** An end's fields: exit code, cause code ({@link EndCause}), the reason in words. */
  static Map<String, Object> endFields(ExitStatus status) {
    return HostEvent.fields("code", status.code(), "cause", EndCause.of(status), "reason", status.reason());
  }

  /** A manifest grant's fields: env name first, then what it reaches (a service client's service by name). */
  private Map<String, Object> grantFields(ComponentSpec spec, String env, Capability cap) {
    Map<String, Object> f = new LinkedHashMap<>(HostEvent.fields("env", env));
    f.putAll(grants.fields(cap));
    if (cap.kind() == Capability.Kind.SERVICE) {
      for (GrantSpec g : spec.grants()) {
        if (g.env().equals(env)) {
          Map<String, Object> named = new LinkedHashMap<>(HostEvent.fields("env", env, "capability", "service", "target", g.target()));
          named.putAll(f);
          return named;
        }
      }
    }
    return f;
  }

  private void watchScript(Supervised s) {
    for (Path file : factory.watchedFiles(s.spec)) {
      watchScript(s, file);
    }
  }

  private void watchScript(Supervised s, Path file) {
    watches.watchScript(file, (id, kind, path) -> {
      // An overflow may hide a change of the script: restart as for one.
      if (closing || !kind.equals("modified") && !kind.equals("created") && !kind.equals("overflow")) {
        return;
      }
      events.emit(HostEvent.Kind.SCRIPT_CHANGED, s.spec.name(), path.getFileName().toString(),
          HostEvent.fields("file", path.getFileName().toString()));
      synchronized (this) {
        Running old = s.current;
        try {
          start(s);
        } catch (RuntimeException e) {
          String why = "restart after change failed: " + e.getMessage();
          events.emit(HostEvent.Kind.FAILED, s.spec.name(), why,
              HostEvent.fields("code", 1, "cause", "restart.failed", "reason", why));
          return;
        }
        if (old != null) {
          old.terminate("replaced after its script changed");
        }
      }
    });
  }

  /** As {@link Host#awaitCompletion}. */
  synchronized Map<String, ExitStatus> awaitCompletion(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, ExitStatus> out = new LinkedHashMap<>();
      for (Supervised s : supervised.values()) {
        if (s.finalStatus == null) {
          out = null;
          break;
        }
        out.put(s.spec.name(), s.finalStatus);
      }
      if (out != null) {
        return out;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** The running instance of the manifest component {@code name} in this JVM, or null. */
  Component current(String name) {
    Supervised s = supervised.get(name);
    Running c = s == null ? null : s.current;
    return c instanceof Component local ? local : null;
  }

  /** The worker process of the manifest component {@code name}, or 0 when it does not run in one. */
  long workerPid(String name) {
    Supervised s = supervised.get(name);
    return s == null ? 0 : workers.pidOf(s.current);
  }

  /** The spec of the manifest component whose current instance is {@code c}, or null. */
  ComponentSpec specOf(Component c) {
    for (Supervised s : supervised.values()) {
      if (s.current == c) {
        return s.spec;
      }
    }
    return null;
  }

  /** The root the manifest grants {@code component} under {@code env}, or null. */
  Capability root(String component, String env) {
    Supervised s = supervised.get(component);
    return s == null ? null : s.roots.get(env);
  }

  /** Pauses every running manifest component (see {@link Host#checkpoint}). */
  Map<String, Component.Paused> pauseAll(Duration timeout) {
    Map<String, Component.Paused> paused = new LinkedHashMap<>();
    try {
      for (Supervised s : supervised.values()) {
        Running i = s.current;
        if (i != null && i.status() == null) {
          if (!(i instanceof Component local)) {
            throw new ComponentException("snapshot.isolation", s.spec.name() + " runs in a worker process, whose"
                + " context this host cannot take yet; run it in process to checkpoint it");
          }
          paused.put(s.spec.name(), local.pause(timeout));
        }
      }
    } catch (RuntimeException e) {
      paused.values().forEach(Component.Paused::close);
      throw e;
    }
    return paused;
  }

  /** The instances in this JVM not yet ended of components not yet ended for good. */
  List<Component> live() {
    List<Component> live = new ArrayList<>();
    for (Supervised s : supervised.values()) {
      Running c = s.current;
      if (s.finalStatus == null && c instanceof Component local && c.status() == null) {
        live.add(local);
      }
    }
    return live;
  }

  /**
   * Whether a component that has not ended for good runs in a worker (this host cannot see what
   * it waits on, so it may make progress; a restart may be on its way too).
   */
  boolean anyInWorker() {
    for (Supervised s : supervised.values()) {
      Running c = s.current;
      if (s.finalStatus == null && c != null && !(c instanceof Component)) {
        return true;
      }
    }
    return false;
  }

  /** Every current instance, ended or not. */
  List<Running> instances() {
    List<Running> all = new ArrayList<>();
    for (Supervised s : supervised.values()) {
      if (s.current != null) {
        all.add(s.current);
      }
    }
    return all;
  }

  /** Ends supervision for closing; false if it had ended already. */
  synchronized boolean close() {
    if (closing) {
      return false;
    }
    closing = true;
    return true;
  }

  boolean closing() {
    return closing;
  }

  /** Records that every component is being ended as deadlocked: no restart follows. */
  void deadlocked(String report) {
    deadlock = report;
  }

  String deadlock() {
    return deadlock;
  }
}
