package b8g.host;

import b8g.capabilities.Capability;
import b8g.components.Component;
import b8g.components.Component.EnvEntry;
import b8g.components.ComponentException;
import b8g.components.Limits;
import b8g.host.manifest.ComponentSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Children: components a component starts with its run capability (at most {@link #MAX_PER_PARENT}
 * live ones each), with the limits of the manifest component they descend from and the capabilities
 * their parent moves to them. A child ends with its parent; when it ends, what it leaves in the host
 * is dropped and its parent is told. Children are not supervised (no restart). Thread-safe.
 */
final class Children {
  /** Live children one component may have. */
  static final int MAX_PER_PARENT = 64;

  private record Child(Component component, Component parent) {}

  private final Map<Long, Child> children = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Supervisor supervisor;
  private final ComponentFactory factory;
  private final GrantResolver grants;
  private final ChannelEnds ends;
  private final Links links;
  private final Events events;
  private final Consumer<Component> released;

  Children(Supervisor supervisor, ComponentFactory factory, GrantResolver grants, ChannelEnds ends, Links links,
      Events events, Consumer<Component> released) {
    this.supervisor = supervisor;
    this.factory = factory;
    this.grants = grants;
    this.ends = ends;
    this.links = links;
    this.events = events;
    this.released = released;
  }

  /** Starts {@code script} (in {@code run}'s scope) as a child of {@code parent}; returns its id. */
  long run(Component parent, Capability run, String script, Map<String, Capability> moved, Map<String, String> values) {
    if (supervisor.closing()) {
      throw new ComponentException("component.closing", "the host is shutting down");
    }
    Path file = run.target(PathScope.class).resolve(script, true);
    long live = children.values().stream().filter(c -> c.parent == parent).count();
    if (live >= MAX_PER_PARENT) {
      throw new ComponentException("capability.quota",
          parent.name() + " already runs " + live + " children (the limit is " + MAX_PER_PARENT + ")");
    }
    String source;
    try {
      source = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ComponentException("component.script", "cannot read " + script);
    }
    long id = ids.incrementAndGet();
    String name = parent.name() + "/" + file.getFileName() + "#" + id;
    Component.Context c = factory.child(name, source, file, limitsOf(parent), (comp, status) -> {
      children.remove(id);
      ends.release(id);
      released.accept(comp);
      links.unregister(comp.name());
      HostEvent.Kind kind = status.success() ? HostEvent.Kind.EXITED
          : status.outcome() == Component.Outcome.TERMINATED ? HostEvent.Kind.TERMINATED : HostEvent.Kind.FAILED;
      events.emit(kind, comp.name(), status.reason(), Supervisor.endFields(status));
      parent.deliverChildExit(id, status);
    });
    for (Map.Entry<String, Capability> e : moved.entrySet()) {
      ends.hold(e.getValue(), id); // a channel end is moved to the child: gone when it ends
      c.grant(EnvEntry.of(e.getKey(), e.getValue()));
      java.util.Map<String, Object> f = new java.util.LinkedHashMap<>(HostEvent.fields("env", e.getKey()));
      f.putAll(grants.fields(e.getValue()));
      f.put("from", parent.name());
      events.emit(HostEvent.Kind.GRANTED, name,
          "env." + e.getKey() + " = " + grants.describe(e.getValue()) + " (from " + parent.name() + ")", f);
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      c.grant(EnvEntry.value(e.getKey(), e.getValue()));
    }
    links.register(name);
    Component child = Component.start(c);
    children.put(id, new Child(child, parent));
    events.emit(HostEvent.Kind.CHILD_STARTED, name, "started by " + parent.name(),
        HostEvent.fields("parent", parent.name(), "script", file.getFileName().toString()));
    return id;
  }

  /** The limits of the manifest component {@code c} descends from (itself, or a parent's parent...). */
  private Limits limitsOf(Component c) {
    ComponentSpec spec = supervisor.specOf(c);
    if (spec != null) {
      return spec.limits();
    }
    for (Child ch : children.values()) {
      if (ch.component == c) {
        return limitsOf(ch.parent);
      }
    }
    return Limits.DEFAULT;
  }

  /** Terminates {@code parent}'s child {@code childId}. */
  void terminate(Component parent, long childId) {
    Child c = children.get(childId);
    if (c == null || c.parent != parent) {
      throw new ComponentException("capability.unknown", "no running child " + childId);
    }
    c.component.terminate("terminated by " + parent.name());
  }

  /** Terminates every child of {@code parent} (it has ended). */
  void terminateChildrenOf(Component parent) {
    for (Child c : children.values()) {
      if (c.parent == parent) {
        c.component.terminate("parent " + parent.name() + " ended");
      }
    }
  }

  /** The children that have not ended. */
  List<Component> live() {
    List<Component> out = new ArrayList<>();
    for (Child c : children.values()) {
      if (c.component.status() == null) {
        out.add(c.component);
      }
    }
    return out;
  }

  /** Every child the host still knows. */
  List<Component> all() {
    List<Component> out = new ArrayList<>();
    for (Child c : children.values()) {
      out.add(c.component);
    }
    return out;
  }
}
