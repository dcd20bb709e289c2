package b8g.host;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.ServedService;
import b8g.components.ServiceBinding;
import b8g.host.manifest.GrantSpec;
import b8g.host.manifest.LoadedManifest;
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
  private final ServiceHub services;

  GrantResolver(LoadedManifest manifest, Resources resources, ServiceHub services) {
    this.directory = manifest.directory();
    this.resources = resources;
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
        default -> throw new IllegalStateException("validated manifest has an unknown host capability");
      };
      case SERVICE -> Capability.root(Kind.SERVICE, services.client(g.component(), g.env()), rights);
      case SERVE -> Capability.root(Kind.SERVE, services.served(g.target()), rights);
    };
  }

  /** What {@code cap} reaches, for an event: "region NAME [rights]", "channel NAME (reader)", "log". */
  String describe(Capability cap) {
    String rights = cap.rights().isEmpty() ? "" : " " + cap.rights().toString().toLowerCase(Locale.ROOT);
    return switch (cap.kind()) {
      case REGION -> "region " + cap.target(Region.class).name() + rights;
      case CHANNEL_READER -> "channel " + resources.nameOf(cap.target(Ring.class)) + " (reader)";
      case CHANNEL_WRITER -> "channel " + resources.nameOf(cap.target(Ring.class)) + " (writer)";
      case SERVICE -> {
        List<String> m = cap.target(ServiceBinding.class).methods();
        yield "service client" + (m.isEmpty() ? "" : " of " + String.join(", ", m));
      }
      case SERVE -> "service " + cap.target(ServedService.class).name() + " (serving end)";
      default -> cap.kind().name().toLowerCase(Locale.ROOT);
    };
  }
}
