package b8g.host;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.ServedService;
import b8g.components.ServiceBinding;
import b8g.host.manifest.GrantSpec;
import b8g.host.manifest.LoadedManifest;
import b8g.host.net.NetPattern;
import b8g.host.net.NetPolicy;
import b8g.host.services.ServiceHub;
import b8g.memory.Region;
import b8g.memory.Ring;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Grant resolution: turns a manifest grant into the root capability it gives (a region, one end of
 * a channel, or a host capability scoped to paths inside the manifest's directory), and describes a
 * capability for events. Stateless after construction; thread-safe.
 */
final class GrantResolver {
  private final Path directory;
  private final Resources resources;
  private final IoGrants io;
  private final ServiceHub services;

  GrantResolver(LoadedManifest manifest, Resources resources, IoGrants io, ServiceHub services) {
    this.directory = manifest.directory();
    this.resources = resources;
    this.io = io;
    this.services = services;
  }

  /** The root capability {@code g} gives; what a component holds is derived from it. */
  Capability root(GrantSpec g) {
    Set<Right> rights = EnumSet.noneOf(Right.class);
    for (var r : g.rights()) {
      rights.add(Right.valueOf(r.name()));
    }
    return switch (g.kind()) {
      case REGION -> Capability.root(Kind.REGION, resources.region(g.target()), rights);
      case CHANNEL -> Capability.root(rights.contains(Right.WRITE) ? Kind.CHANNEL_WRITER : Kind.CHANNEL_READER,
          resources.channel(g.target()), rights);
      case HOST -> switch (g.host().orElseThrow()) {
        case RUN -> Capability.root(Kind.RUN, new PathScope(directory, g.paths()), rights);
        case WATCH -> Capability.root(Kind.WATCH, new PathScope(directory, g.paths()), rights);
        case LOG -> Capability.root(Kind.LOG, null, rights);
        case SNAPSHOT -> Capability.root(Kind.SNAPSHOT, new PathScope(directory, List.of(directory)), rights);
        // Standard streams are ordinary channel ends; a host pump holds the other end.
        case STDIN -> Capability.root(Kind.CHANNEL_READER, io.ring(g), EnumSet.of(Right.READ));
        case STDOUT, STDERR -> Capability.root(Kind.CHANNEL_WRITER, io.ring(g), EnumSet.of(Right.WRITE));
        case NET -> Capability.root(Kind.NET, new NetPolicy(g.allow().stream().map(NetPattern::parse).toList(),
            NetPolicy.SYSTEM), rights);
        default -> throw new IllegalStateException("validated manifest has an unknown host capability");
      };
      case FILE -> {
        if (g.isDirectory()) {
          yield Capability.root(Kind.DIRECTORY, new IoGrants.DirectoryScope(directory, g.paths().get(0)), rights);
        }
        if (g.map()) {
          // A private copy is this component's own memory: it may write it (the file never changes).
          yield Capability.root(Kind.REGION, io.region(g), EnumSet.of(Right.READ, Right.WRITE));
        }
        yield rights.contains(Right.READ)
            ? Capability.root(Kind.CHANNEL_READER, io.ring(g), EnumSet.of(Right.READ))
            : Capability.root(Kind.CHANNEL_WRITER, io.ring(g), EnumSet.of(Right.WRITE));
      }
      case SERVICE -> Capability.root(Kind.SERVICE, services.client(g.component(), g.env()), rights);
      case SERVE -> Capability.root(Kind.SERVE, services.served(g.target()), rights);
    };
  }

  /**
   * What {@code cap} reaches, as an event's fields: {@code capability} (region, channel, run,
   * watch, log, snapshot, directory, net, service, serve), {@code target} (a region's, channel's or
   * service's name, a directory's path; absent for the others), {@code end} (a channel's
   * {@code reader} or {@code writer}), {@code rights} (lower case), {@code allow} (a NET grant's
   * patterns).
   */
  java.util.Map<String, Object> fields(Capability cap) {
    List<String> rights = cap.rights().stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().toList();
    return switch (cap.kind()) {
      case REGION -> HostEvent.fields("capability", "region", "target", cap.target(Region.class).name(), "rights", rights);
      case CHANNEL_READER, CHANNEL_WRITER -> HostEvent.fields("capability", "channel",
          "target", resources.nameOf(cap.target(Ring.class)),
          "end", cap.kind() == Kind.CHANNEL_READER ? "reader" : "writer", "rights", rights);
      case DIRECTORY -> HostEvent.fields("capability", "directory",
          "target", PathScope.shown(directory, cap.target(IoGrants.DirectoryScope.class).real()), "rights", rights);
      case NET -> HostEvent.fields("capability", "net", "rights", rights,
          "allow", cap.target(NetPolicy.class).patterns().stream().map(Object::toString).toList());
      case SERVICE -> HostEvent.fields("capability", "service", "methods", cap.target(ServiceBinding.class).methods());
      case SERVE -> HostEvent.fields("capability", "serve", "target", cap.target(ServedService.class).name());
      default -> HostEvent.fields("capability", cap.kind().name().toLowerCase(Locale.ROOT), "rights", rights);
    };
  }

  /** What {@code cap} reaches, for an event: "region NAME [rights]", "channel NAME (reader)", "log". */
  String describe(Capability cap) {
    String rights = cap.rights().isEmpty() ? "" : " " + cap.rights().toString().toLowerCase(Locale.ROOT);
    return switch (cap.kind()) {
      case REGION -> "region " + cap.target(Region.class).name() + rights;
      case CHANNEL_READER -> "channel " + resources.nameOf(cap.target(Ring.class)) + " (reader)";
      case CHANNEL_WRITER -> "channel " + resources.nameOf(cap.target(Ring.class)) + " (writer)";
      case DIRECTORY -> "directory " + PathScope.shown(directory, cap.target(IoGrants.DirectoryScope.class).real()) + rights;
      case NET -> "net " + cap.target(NetPolicy.class).patterns();
      case SERVICE -> {
        List<String> m = cap.target(ServiceBinding.class).methods();
        yield "service client" + (m.isEmpty() ? "" : " of " + String.join(", ", m));
      }
      case SERVE -> "service " + cap.target(ServedService.class).name() + " (serving end)";
      default -> cap.kind().name().toLowerCase(Locale.ROOT);
    };
  }
}
