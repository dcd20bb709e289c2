package b8g.host;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.CapabilityException;
import b8g.capabilities.LinkRegistry;
import b8g.components.Component;
import b8g.host.services.ServiceHub;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Export and link: each running component's link secret ({@link LinkRegistry}) and what it
 * exported. A link with a valid secret hands the linker derived copies of the link target's
 * exports; a channel end has one holder, so the first link takes it out of the export table and
 * the linker's instance holds it from then on. Thread-safe.
 */
final class Links {
  private final LinkRegistry<String> secrets = new LinkRegistry<>();
  /** Exports by component name, then by export name. */
  private final Map<String, Map<String, Capability>> exports = new ConcurrentHashMap<>();
  private final ChannelEnds ends;
  private final GrantResolver grants;
  private final Events events;

  private ServiceHub services;

  /** Where a linked service client gets its own rings. */
  void services(ServiceHub hub) {
    services = hub;
  }

  Links(ChannelEnds ends, GrantResolver grants, Events events) {
    this.ends = ends;
    this.grants = grants;
    this.events = events;
  }

  /** Gives the component named {@code name} a link secret. */
  void register(String name) {
    secrets.register(name);
  }

  /** The component named {@code name} has ended for good: its secret matches nothing any more. */
  void unregister(String name) {
    secrets.unregister(name);
  }

  /** Gives {@code name} a new link secret; the old one matches nothing from now on. */
  void rotate(String name) {
    secrets.rotate(name);
  }

  /** The current link secret of {@code name}, as text for another component's {@code env}. */
  String secretOf(String name) {
    return secrets.secretOf(name).reveal();
  }

  /** An instance of {@code name} ended: what it exported is no longer offered. */
  void withdraw(String name) {
    exports.remove(name);
  }

  void export(Component source, String name, Capability cap) {
    exports.computeIfAbsent(source.name(), k -> new ConcurrentHashMap<>()).put(name, cap);
    java.util.Map<String, Object> f = new LinkedHashMap<>(HostEvent.fields("name", name));
    f.putAll(grants.fields(cap));
    events.emit(HostEvent.Kind.EXPORTED, source.name(), name + " = " + grants.describe(cap), f);
  }

  /** What the link target whose secret is {@code secret} exported, derived for {@code source}. */
  Map<String, Capability> link(Component source, String secret) {
    String linkTarget;
    try {
      linkTarget = secrets.resolve(source.name(), secret);
    } catch (CapabilityException e) {
      events.emit(HostEvent.Kind.LINK_REFUSED, source.name(), e.code(), HostEvent.fields("reason", e.code()));
      throw e;
    }
    Map<String, Capability> offered = exports.getOrDefault(linkTarget, Map.of());
    Map<String, Capability> out = new LinkedHashMap<>();
    for (Map.Entry<String, Capability> e : offered.entrySet()) {
      Capability cap = e.getValue();
      boolean channelEnd = cap.kind() == Kind.CHANNEL_READER || cap.kind() == Kind.CHANNEL_WRITER;
      // A channel end has one holder: the first link takes it from the export table.
      if (channelEnd && !offered.remove(e.getKey(), cap)) {
        continue;
      }
      if (!cap.revoked()) {
        // A service client gets rings of its own (one writer per ring), the same methods.
        Capability given = cap.kind() == Kind.SERVICE ? services.fork(cap, source.name()) : cap.derive();
        if (channelEnd) {
          ends.hold(given, source); // the linker's instance holds it now
        }
        out.put(e.getKey(), given);
      }
    }
    events.emit(HostEvent.Kind.LINKED, source.name(), "to " + linkTarget + " (" + String.join(", ", out.keySet()) + ")",
        HostEvent.fields("to", linkTarget, "exports", List.copyOf(out.keySet())));
    return out;
  }
}
