package b8g.host.manifest;

import b8g.components.Limits;
import b8g.host.manifest.schema.Channel;
import b8g.host.manifest.schema.Component;
import b8g.host.manifest.schema.Grant;
import b8g.host.manifest.schema.HostCapability;
import b8g.host.manifest.schema.Isolation;
import b8g.host.manifest.schema.Manifest;
import b8g.host.manifest.schema.Region;
import b8g.host.manifest.schema.RestartPolicy;
import b8g.host.manifest.schema.Service;
import b8g.host.manifest.schema.Right;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a parsed manifest and builds its resolved views. Stops at the first problem, in a fixed
 * order (names, components, regions, channels, grants, links, then what each component in a worker
 * process is granted), so the same file always gives the same error. This class holds the order,
 * the names and the channel ends; the rules of each part are in {@link ComponentRules}, {@link
 * IsolationRules}, {@link StartOrder}, {@link HandleRules} and {@link GrantRules}, the shared checks
 * and errors in {@link ManifestChecks}. One instance per load; not thread-safe.
 */
final class ManifestValidator {
  private final Manifest m;
  private final SourceMap src;
  private final Path file;
  private final Path dir;
  private final ManifestChecks checks;

  private final Map<String, Integer> componentIndex = new LinkedHashMap<>();
  private final Map<String, Integer> regionIndex = new LinkedHashMap<>();
  private final Map<String, Integer> channelIndex = new LinkedHashMap<>();
  private final ComponentRules componentRules;
  private final IsolationRules isolationRules;
  private final HandleRules handleRules;
  private final GrantRules grantRules;

  ManifestValidator(Manifest manifest, SourceMap sources, Path file, Path realDirectory) {
    this.m = manifest;
    this.src = sources;
    this.file = file;
    this.dir = realDirectory;
    this.checks = new ManifestChecks(sources, realDirectory);
    this.componentRules = new ComponentRules(checks, componentIndex);
    this.isolationRules = new IsolationRules(checks);
    this.handleRules = new HandleRules(checks);
    this.grantRules = new GrantRules(checks, componentIndex, regionIndex, channelIndex);
  }

  LoadedManifest validate() {
    if (m.getComponentsCount() == 0) {
      throw checks.fail("manifest.no_components", "",
          "the manifest declares no components, so there is nothing to run; add one, for example "
              + "components { name: \"main\" script: \"main.js\" }");
    }
    for (int i = 0; i < m.getComponentsCount(); i++) {
      name(m.getComponents(i).getName(), "components[" + i + "]", "component", componentIndex, i);
    }
    for (int i = 0; i < m.getRegionsCount(); i++) {
      name(m.getRegions(i).getName(), "regions[" + i + "]", "region", regionIndex, i);
    }
    for (int i = 0; i < m.getChannelsCount(); i++) {
      name(m.getChannels(i).getName(), "channels[" + i + "]", "channel", channelIndex, i);
    }

    Limits defaults = componentRules.limits(m.getDefaultLimits(), "default_limits", Limits.DEFAULT);
    List<Path> scripts = new ArrayList<>();
    List<List<String>> afters = new ArrayList<>();
    List<Isolation> tiers = new ArrayList<>();
    for (int i = 0; i < m.getComponentsCount(); i++) {
      Component c = m.getComponents(i);
      String p = "components[" + i + "]";
      componentRules.limits(c.getLimits(), p + ".limits", defaults);
      componentRules.restart(c, p);
      scripts.add(componentRules.script(c, p));
      afters.add(componentRules.after(c, p));
      tiers.add(isolationRules.isolation(c, p));
    }
    List<Integer> order = StartOrder.of(m, afters, componentIndex, checks);

    List<Set<Right>> regionRights = new ArrayList<>();
    for (int i = 0; i < m.getRegionsCount(); i++) {
      regionRights.add(handleRules.region(m.getRegions(i), "regions[" + i + "]"));
    }
    List<Integer> capacities = new ArrayList<>();
    for (int i = 0; i < m.getChannelsCount(); i++) {
      capacities.add(handleRules.channel(m.getChannels(i), "channels[" + i + "]"));
    }

    Map<String, String> providers = new LinkedHashMap<>();
    List<ServiceSpec> services = new ArrayList<>();
    for (int i = 0; i < m.getServicesCount(); i++) {
      services.add(service(m.getServices(i), "services[" + i + "]", providers));
    }
    Map<String, String> servedBy = new HashMap<>();

    Map<String, List<GrantSpec>> grantsOf = new HashMap<>();
    String[] writers = new String[m.getChannelsCount()];
    String[] readers = new String[m.getChannelsCount()];
    String[] writerPaths = new String[m.getChannelsCount()];
    String[] readerPaths = new String[m.getChannelsCount()];
    List<List<String>> regionReaders = new ArrayList<>();
    List<List<String>> regionWriters = new ArrayList<>();
    for (int i = 0; i < m.getRegionsCount(); i++) {
      regionReaders.add(new ArrayList<>());
      regionWriters.add(new ArrayList<>());
    }
    String stdinPath = null;
    String stdinHolder = null;
    for (int i = 0; i < m.getGrantsCount(); i++) {
      Grant g = m.getGrants(i);
      String p = "grants[" + i + "]";
      GrantSpec spec = grantRules.grant(g, p, regionRights, providers);
      if (spec.host().orElse(null) == HostCapability.STDIN) {
        // Standard input is one stream: two readers would each see some of its bytes.
        if (stdinPath != null) {
          throw checks.fail("manifest.two_stdin", p + ".host",
              "STDIN is granted twice: to \"" + stdinHolder + "\" (at " + checks.at(stdinPath) + ") and to \""
                  + spec.component() + "\"; standard input has one reader. Grant it to one component and pass "
                  + "its bytes on over a channel.");
        }
        stdinPath = p;
        stdinHolder = spec.component();
      }
      if (spec.kind() == GrantSpec.Kind.SERVE && servedBy.putIfAbsent(spec.target(), p) != null) {
        throw checks.fail("manifest.two_servers", p, "service \"" + spec.target() + "\" is granted to its provider \""
            + spec.component() + "\" twice (first at " + checks.at(servedBy.get(spec.target())) + "); one serving end is all it has.");
      }
      if (spec.kind() == GrantSpec.Kind.CHANNEL) {
        int ch = channelIndex.get(spec.target());
        if (spec.rights().contains(Right.WRITE)) {
          if (writers[ch] != null) {
            throw grantRules.twoEnds("manifest.two_writers", "writers", "writer", spec, writers[ch], writerPaths[ch], p);
          }
          writers[ch] = spec.component();
          writerPaths[ch] = p;
        } else {
          if (readers[ch] != null) {
            throw grantRules.twoEnds("manifest.two_readers", "readers", "reader", spec, readers[ch], readerPaths[ch], p);
          }
          readers[ch] = spec.component();
          readerPaths[ch] = p;
        }
      } else if (spec.kind() == GrantSpec.Kind.REGION) {
        int r = regionIndex.get(spec.target());
        if (spec.rights().contains(Right.READ)) {
          regionReaders.get(r).add(spec.component());
        }
        if (spec.rights().contains(Right.WRITE)) {
          regionWriters.get(r).add(spec.component());
        }
      }
      grantRules.env(spec.component(), spec.env(), p, g.getAs().isEmpty() ? p : p + ".as");
      grantsOf.computeIfAbsent(spec.component(), k -> new ArrayList<>()).add(spec);
    }

    for (int i = 0; i < services.size(); i++) {
      ServiceSpec sv = services.get(i);
      if (sv.provider().isPresent() && !servedBy.containsKey(sv.name())) {
        throw checks.fail("manifest.service_not_served", "services[" + i + "]", "service \"" + sv.name() + "\" is provided by component \""
            + sv.provider().get() + "\", which has no grant of it, so nothing could serve its calls; add grants { component: \""
            + sv.provider().get() + "\" service: \"" + sv.name() + "\" }.");
      }
    }

    List<LinkSpec> links = new ArrayList<>();
    Map<String, List<LinkSpec>> secretsOf = new HashMap<>();
    for (int i = 0; i < m.getLinksCount(); i++) {
      LinkSpec link = grantRules.link(m.getLinks(i), "links[" + i + "]");
      links.add(link);
      secretsOf.computeIfAbsent(link.to(), k -> new ArrayList<>()).add(link);
    }

    List<ComponentSpec> components = new ArrayList<>();
    for (int i = 0; i < m.getComponentsCount(); i++) {
      Component c = m.getComponents(i);
      String p = "components[" + i + "]";
      boolean restarts = c.hasRestart() && c.getRestart().getMode() == RestartPolicy.Mode.ON_FAILURE;
      ComponentSpec spec = new ComponentSpec(
          c.getName(),
          scripts.get(i),
          componentRules.limits(c.getLimits(), p + ".limits", defaults),
          restarts ? RestartPolicy.Mode.ON_FAILURE : RestartPolicy.Mode.NEVER,
          restarts ? c.getRestart().getMaxRestarts() : 0,
          afters.get(i),
          tiers.get(i),
          tiers.get(i) == Isolation.PROCESS ? c.getProcessGroup() : "",
          List.copyOf(grantsOf.getOrDefault(c.getName(), List.of())),
          List.copyOf(secretsOf.getOrDefault(c.getName(), List.of())),
          src.locate(p),
          src.locate(p + ".script"));
      if (spec.isolation() == Isolation.PROCESS) {
        IsolationRules.checkProcessGrants(spec);
      } else {
        IsolationRules.checkInProcessGrants(spec);
      }
      components.add(spec);
    }
    IsolationRules.checkMappedFiles(components);
    List<ComponentSpec> startOrder = order.stream().map(components::get).collect(Collectors.toList());

    List<RegionSpec> regions = new ArrayList<>();
    for (int i = 0; i < m.getRegionsCount(); i++) {
      Region r = m.getRegions(i);
      regions.add(new RegionSpec(r.getName(), r.getSize(), r.getBacking(), r.getPersistent(),
          r.getFile().isEmpty() ? Optional.empty() : Optional.of(r.getFile()), regionRights.get(i),
          List.copyOf(regionReaders.get(i)), List.copyOf(regionWriters.get(i)), src.locate("regions[" + i + "]")));
    }
    List<ChannelSpec> channels = new ArrayList<>();
    for (int i = 0; i < m.getChannelsCount(); i++) {
      Channel ch = m.getChannels(i);
      channels.add(new ChannelSpec(ch.getName(), capacities.get(i), ch.getBacking(), ch.getPersistent(),
          ch.getFile().isEmpty() ? Optional.empty() : Optional.of(ch.getFile()),
          Optional.ofNullable(writers[i]), Optional.ofNullable(readers[i]), src.locate("channels[" + i + "]")));
    }
    return new LoadedManifest(m, file, dir, src, defaults, components, startOrder, regions, channels, links, services);
  }

  private ServiceSpec service(Service sv, String p, Map<String, String> providers) {
    checks.identifier(sv.getName(), p + ".name", p, "service name", "name: \"orders\"");
    if (providers.containsKey(sv.getName())) {
      throw checks.fail("manifest.duplicate_name", p + ".name", "duplicate service name \"" + sv.getName() + "\"; give each service its own name.");
    }
    switch (sv.getProviderCase()) {
      case COMPONENT -> {
        if (!componentIndex.containsKey(sv.getComponent())) {
          throw checks.fail("manifest.unknown_component", p + ".component", "service \"" + sv.getName() + "\" is provided by unknown component \""
              + ManifestChecks.printable(sv.getComponent()) + "\"; declared components are: " + ManifestChecks.list(componentIndex.keySet()) + ".");
        }
        providers.put(sv.getName(), sv.getComponent());
        return new ServiceSpec(sv.getName(), Optional.of(sv.getComponent()), src.locate(p));
      }
      case APPLICATION -> {
        if (!sv.getApplication()) {
          throw checks.fail("manifest.no_provider", p + ".application", "service \"" + sv.getName() + "\": application: false provides nothing; "
              + "write application: true (the embedding Java program serves it) or component: \"...\".");
        }
        providers.put(sv.getName(), "");
        return new ServiceSpec(sv.getName(), Optional.empty(), src.locate(p));
      }
      default -> throw checks.fail("manifest.no_provider", p, "service \"" + sv.getName() + "\" names no provider; add component: \"...\" "
          + "(a component of this manifest serves it) or application: true (the embedding Java program does).");
    }
  }

  // ---- names ----------------------------------------------------------------------------------

  private void name(String name, String path, String kind, Map<String, Integer> seen, int index) {
    checks.identifier(name, path + ".name", path, kind + " name", "name: \"my_" + kind + "\"");
    Integer first = seen.putIfAbsent(name, index);
    if (first != null) {
      String firstPath = path.substring(0, path.indexOf('[')) + "[" + first + "]";
      throw checks.fail("manifest.duplicate_name", path + ".name",
          "duplicate " + kind + " name \"" + name + "\" (first declared at " + checks.at(firstPath)
              + "); give each " + kind + " its own name.");
    }
  }
}
