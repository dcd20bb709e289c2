package b8g.host.manifest;

import b8g.components.Limits;
import b8g.host.manifest.schema.Manifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A manifest that has been read and validated, with resolved views for the host.
 *
 * <p>Immutable and thread-safe. Everything here was checked at load time: names are unique
 * identifiers, every reference resolves, scripts existed as regular files inside the manifest's
 * directory, {@code after} has no cycle, each channel has at most one writer and one reader.
 * The file system may change afterwards; use {@link ComponentSpec#scriptLocation()} or
 * {@link #locate(String)} to report such runtime errors against the manifest.
 */
public final class LoadedManifest {
  private final Manifest manifest;
  private final Path file;
  private final Path directory;
  private final SourceMap sources;
  private final Limits defaultLimits;
  private final List<ComponentSpec> components;
  private final List<ComponentSpec> startOrder;
  private final List<RegionSpec> regions;
  private final List<ChannelSpec> channels;
  private final List<LinkSpec> links;
  private final List<ServiceSpec> services;
  private final Map<String, ComponentSpec> componentsByName;
  private final Map<String, RegionSpec> regionsByName;
  private final Map<String, ChannelSpec> channelsByName;

  LoadedManifest(Manifest manifest, Path file, Path directory, SourceMap sources, Limits defaultLimits,
      List<ComponentSpec> components, List<ComponentSpec> startOrder, List<RegionSpec> regions,
      List<ChannelSpec> channels, List<LinkSpec> links, List<ServiceSpec> services) {
    this.manifest = manifest;
    this.file = file;
    this.directory = directory;
    this.sources = sources;
    this.defaultLimits = defaultLimits;
    this.components = List.copyOf(components);
    this.startOrder = List.copyOf(startOrder);
    this.regions = List.copyOf(regions);
    this.channels = List.copyOf(channels);
    this.links = List.copyOf(links);
    this.services = List.copyOf(services);
    this.componentsByName = index(this.components, ComponentSpec::name);
    this.regionsByName = index(this.regions, RegionSpec::name);
    this.channelsByName = index(this.channels, ChannelSpec::name);
  }

  private static <T> Map<String, T> index(List<T> items, Function<T, String> name) {
    return items.stream().collect(Collectors.toUnmodifiableMap(name, Function.identity()));
  }

  /** The declared services, in manifest order. */
  public List<ServiceSpec> services() {
    return services;
  }

  /** The service named {@code name}. */
  public Optional<ServiceSpec> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** The manifest as parsed (unresolved; defaults not applied). */
  public Manifest manifest() {
    return manifest;
  }

  /** The manifest file as it was named to the loader (used in messages). */
  public Path file() {
    return file;
  }

  /** The real, absolute directory of the manifest; scripts and paths are resolved inside it. */
  public Path directory() {
    return directory;
  }

  /** Limits for a component that sets none: the manifest's {@code default_limits} over the host's. */
  public Limits defaultLimits() {
    return defaultLimits;
  }

  /** Components in manifest order. */
  public List<ComponentSpec> components() {
    return components;
  }

  public Optional<ComponentSpec> component(String name) {
    return Optional.ofNullable(componentsByName.get(name));
  }

  /**
   * All components, each after every component it names in {@code after}; among those free to
   * start, manifest order.
   */
  public List<ComponentSpec> startOrder() {
    return startOrder;
  }

  /** Regions in manifest order. */
  public List<RegionSpec> regions() {
    return regions;
  }

  public Optional<RegionSpec> region(String name) {
    return Optional.ofNullable(regionsByName.get(name));
  }

  /** Channels in manifest order, each with its writer and reader component (empty: the host). */
  public List<ChannelSpec> channels() {
    return channels;
  }

  public Optional<ChannelSpec> channel(String name) {
    return Optional.ofNullable(channelsByName.get(name));
  }

  /** The grants of one component in manifest order; empty for an unknown name. */
  public List<GrantSpec> grants(String component) {
    ComponentSpec spec = componentsByName.get(component);
    return spec == null ? List.of() : spec.grants();
  }

  /** Links in manifest order. */
  public List<LinkSpec> links() {
    return links;
  }

  /**
   * Where a field was written, by path in proto field names, for example {@code components[1]},
   * {@code components[1].script}, {@code grants[0].rights[1]}, {@code channels[2].capacity}. A
   * path not written in the file (a defaulted field) resolves to its nearest written ancestor, and
   * finally to line 1, column 1.
   */
  public SourceLocation locate(String fieldPath) {
    return sources.locate(fieldPath);
  }

  /** Where the named component is declared; line 0 if there is no such component. */
  public SourceLocation location(String componentName) {
    ComponentSpec spec = componentsByName.get(componentName);
    return spec == null ? SourceLocation.unknown(file) : spec.location();
  }
}
