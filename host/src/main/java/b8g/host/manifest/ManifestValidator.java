package b8g.host.manifest;

import b8g.components.Limits;
import b8g.host.manifest.schema.Backing;
import b8g.host.manifest.schema.Channel;
import b8g.host.manifest.schema.Component;
import b8g.host.manifest.schema.Grant;
import b8g.host.manifest.schema.HostCapability;
import b8g.host.manifest.schema.Link;
import b8g.host.manifest.schema.Manifest;
import b8g.host.manifest.schema.Region;
import b8g.host.manifest.schema.RestartPolicy;
import b8g.host.manifest.schema.Right;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a parsed manifest and builds its resolved views. Stops at the first problem, in a fixed
 * order (names, components, regions, channels, grants, links), so the same file always gives the
 * same error. One instance per load; not thread-safe.
 */
final class ManifestValidator {
  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  /** Names the platform itself puts in every {@code env}. */
  static final Set<String> RESERVED_ENV = Set.of("export", "link");
  static final long MAX_REGION_SIZE = 1L << 30;
  static final long MIN_CAPACITY = 4096;
  static final long MAX_CAPACITY = 1L << 30;
  static final int MAX_RESTARTS = 10_000;

  private final Manifest m;
  private final SourceMap src;
  private final Path file;
  private final Path dir;

  private final Map<String, Integer> componentIndex = new LinkedHashMap<>();
  private final Map<String, Integer> regionIndex = new LinkedHashMap<>();
  private final Map<String, Integer> channelIndex = new LinkedHashMap<>();

  ManifestValidator(Manifest manifest, SourceMap sources, Path file, Path realDirectory) {
    this.m = manifest;
    this.src = sources;
    this.file = file;
    this.dir = realDirectory;
  }

  LoadedManifest validate() {
    if (m.getComponentsCount() == 0) {
      throw fail("manifest.no_components", "",
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

    Limits defaults = limits(m.getDefaultLimits(), "default_limits", Limits.DEFAULT);
    List<Path> scripts = new ArrayList<>();
    List<List<String>> afters = new ArrayList<>();
    for (int i = 0; i < m.getComponentsCount(); i++) {
      Component c = m.getComponents(i);
      String p = "components[" + i + "]";
      limits(c.getLimits(), p + ".limits", defaults);
      restart(c, p);
      scripts.add(script(c, p));
      afters.add(after(c, p));
    }
    List<Integer> order = startOrder(afters);

    List<Set<Right>> regionRights = new ArrayList<>();
    for (int i = 0; i < m.getRegionsCount(); i++) {
      regionRights.add(region(m.getRegions(i), "regions[" + i + "]"));
    }
    List<Integer> capacities = new ArrayList<>();
    for (int i = 0; i < m.getChannelsCount(); i++) {
      capacities.add(channel(m.getChannels(i), "channels[" + i + "]"));
    }

    // env names per component, to find two capabilities under one name
    Map<String, Map<String, String>> envs = new HashMap<>();
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
    for (int i = 0; i < m.getGrantsCount(); i++) {
      Grant g = m.getGrants(i);
      String p = "grants[" + i + "]";
      GrantSpec spec = grant(g, p, regionRights);
      if (spec.kind() == GrantSpec.Kind.CHANNEL) {
        int ch = channelIndex.get(spec.target());
        if (spec.rights().contains(Right.WRITE)) {
          if (writers[ch] != null) {
            throw twoEnds("manifest.two_writers", "writers", "writer", spec, writers[ch], writerPaths[ch], p);
          }
          writers[ch] = spec.component();
          writerPaths[ch] = p;
        } else {
          if (readers[ch] != null) {
            throw twoEnds("manifest.two_readers", "readers", "reader", spec, readers[ch], readerPaths[ch], p);
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
      env(envs, spec.component(), spec.env(), p, g.getAs().isEmpty() ? p : p + ".as");
      grantsOf.computeIfAbsent(spec.component(), k -> new ArrayList<>()).add(spec);
    }

    List<LinkSpec> links = new ArrayList<>();
    Map<String, List<LinkSpec>> secretsOf = new HashMap<>();
    for (int i = 0; i < m.getLinksCount(); i++) {
      LinkSpec link = link(m.getLinks(i), "links[" + i + "]");
      env(envs, link.to(), link.env(), "links[" + i + "]",
          m.getLinks(i).getAs().isEmpty() ? "links[" + i + "]" : "links[" + i + "].as");
      links.add(link);
      secretsOf.computeIfAbsent(link.to(), k -> new ArrayList<>()).add(link);
    }

    List<ComponentSpec> components = new ArrayList<>();
    for (int i = 0; i < m.getComponentsCount(); i++) {
      Component c = m.getComponents(i);
      String p = "components[" + i + "]";
      boolean restarts = c.hasRestart() && c.getRestart().getMode() == RestartPolicy.Mode.ON_FAILURE;
      components.add(new ComponentSpec(
          c.getName(),
          scripts.get(i),
          limits(c.getLimits(), p + ".limits", defaults),
          restarts ? RestartPolicy.Mode.ON_FAILURE : RestartPolicy.Mode.NEVER,
          restarts ? c.getRestart().getMaxRestarts() : 0,
          afters.get(i),
          List.copyOf(grantsOf.getOrDefault(c.getName(), List.of())),
          List.copyOf(secretsOf.getOrDefault(c.getName(), List.of())),
          src.locate(p),
          src.locate(p + ".script")));
    }
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
    return new LoadedManifest(m, file, dir, src, defaults, components, startOrder, regions, channels, links);
  }

  // ---- names ----------------------------------------------------------------------------------

  private void name(String name, String path, String kind, Map<String, Integer> seen, int index) {
    identifier(name, path + ".name", path, kind + " name", "name: \"my_" + kind + "\"");
    Integer first = seen.putIfAbsent(name, index);
    if (first != null) {
      String firstPath = path.substring(0, path.indexOf('[')) + "[" + first + "]";
      throw fail("manifest.duplicate_name", path + ".name",
          "duplicate " + kind + " name \"" + name + "\" (first declared at " + at(firstPath)
              + "); give each " + kind + " its own name.");
    }
  }

  private void identifier(String value, String path, String owner, String what, String example) {
    if (value.isEmpty()) {
      throw fail("manifest.invalid_identifier", owner, "missing " + what + "; add " + example + ".");
    }
    if (!IDENTIFIER.matcher(value).matches()) {
      throw fail("manifest.invalid_identifier", path,
          what + " \"" + printable(value) + "\" is not an identifier; use letters, digits and _, not starting with a "
              + "digit, at most 128 characters.");
    }
  }

  // ---- components -----------------------------------------------------------------------------

  private Limits limits(b8g.host.manifest.schema.Limits limits, String path, Limits fallback) {
    long heap = Integer.toUnsignedLong(limits.getHeapMib());
    long cpu = Integer.toUnsignedLong(limits.getCpuMsPerTurn());
    if ((heap == 0 && src.has(path + ".heap_mib")) || heap > Limits.MAX_HEAP_MIB) {
      throw fail("manifest.limit_range", path + ".heap_mib",
          "heap_mib " + heap + " is out of range 1.." + Limits.MAX_HEAP_MIB
              + " (MiB); set a value in range or leave it out to use the default (" + fallback.heapMib() + ").");
    }
    if ((cpu == 0 && src.has(path + ".cpu_ms_per_turn")) || cpu > Limits.MAX_CPU_MS_PER_TURN) {
      throw fail("manifest.limit_range", path + ".cpu_ms_per_turn",
          "cpu_ms_per_turn " + cpu + " is out of range 1.." + Limits.MAX_CPU_MS_PER_TURN
              + " (ms); set a value in range or leave it out to use the default (" + fallback.cpuMillisPerTurn() + ").");
    }
    return Limits.of(heap == 0 ? fallback.heapMib() : (int) heap,
        cpu == 0 ? (int) fallback.cpuMillisPerTurn() : (int) cpu);
  }

  private void restart(Component c, String p) {
    if (!c.hasRestart()) {
      return;
    }
    RestartPolicy r = c.getRestart();
    String rp = p + ".restart";
    enumValue(r.getModeValue(), RestartPolicy.Mode.getDescriptor(), rp + ".mode", rp, "restart mode",
        "component \"" + c.getName() + "\"");
    long max = Integer.toUnsignedLong(r.getMaxRestarts());
    if (r.getMode() == RestartPolicy.Mode.ON_FAILURE && max == 0) {
      throw fail("manifest.restart_max_missing", rp + (src.has(rp + ".max_restarts") ? ".max_restarts" : ".mode"),
          "restart mode ON_FAILURE for component \"" + c.getName() + "\" needs max_restarts of at least 1; "
              + "set it (for example max_restarts: 3), or use mode: NEVER.");
    }
    if (r.getMode() == RestartPolicy.Mode.NEVER && max != 0) {
      throw fail("manifest.restart_max_not_allowed", rp + ".max_restarts",
          "max_restarts is only for mode ON_FAILURE, but component \"" + c.getName()
              + "\" has mode NEVER; remove max_restarts or change the mode.");
    }
    if (max > MAX_RESTARTS) {
      throw fail("manifest.restart_max_range", rp + ".max_restarts",
          "max_restarts " + max + " is out of range 1.." + MAX_RESTARTS + "; lower it.");
    }
  }

  private Path script(Component c, String p) {
    if (c.getScript().isEmpty()) {
      throw fail("manifest.missing_script", p,
          "component \"" + c.getName() + "\" has no script; add script: \"" + c.getName()
              + ".js\" (a path relative to the manifest's directory).");
    }
    String sp = p + ".script";
    Path resolved = inside(c.getScript(), sp, "script of component \"" + c.getName() + "\"");
    if (!Files.exists(resolved)) {
      throw fail("manifest.script_not_found", sp,
          "script \"" + printable(c.getScript()) + "\" of component \"" + c.getName() + "\" does not exist (looked for "
              + resolved + "); create it or fix the path, which is relative to the manifest's directory.");
    }
    if (!Files.isRegularFile(resolved)) {
      throw fail("manifest.script_not_file", sp,
          "script \"" + printable(c.getScript()) + "\" of component \"" + c.getName()
              + "\" is not a regular file; name a .js file.");
    }
    return real(resolved, sp, "script of component \"" + c.getName() + "\"");
  }

  private List<String> after(Component c, String p) {
    Set<String> after = new LinkedHashSet<>();
    for (int j = 0; j < c.getAfterCount(); j++) {
      String name = c.getAfter(j);
      String ap = p + ".after[" + j + "]";
      if (name.equals(c.getName())) {
        throw fail("manifest.after_self", ap,
            "component \"" + c.getName() + "\" names itself in after; a component cannot wait for itself. Remove it.");
      }
      if (!componentIndex.containsKey(name)) {
        throw fail("manifest.unknown_component", ap,
            "component \"" + c.getName() + "\" waits for \"" + printable(name) + "\" (after), which is not declared; "
                + "declared components are: " + list(componentIndex.keySet()) + ". Fix the name or remove it.");
      }
      after.add(name);
    }
    return List.copyOf(after);
  }

  /** Kahn's algorithm, lowest manifest index first among the ready, so the order is stable. */
  private List<Integer> startOrder(List<List<String>> afters) {
    int n = afters.size();
    int[] waiting = new int[n];
    List<List<Integer>> dependents = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dependents.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      waiting[i] = afters.get(i).size();
      for (String dep : afters.get(i)) {
        dependents.get(componentIndex.get(dep)).add(i);
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    List<Integer> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      int next = ready.poll();
      order.add(next);
      for (int d : dependents.get(next)) {
        if (--waiting[d] == 0) {
          ready.add(d);
        }
      }
    }
    if (order.size() == n) {
      return order;
    }
    // Every component left waits for another one left, so following the first such "after" from
    // any of them must come back to a component already seen: that loop is a cycle.
    int start = 0;
    while (waiting[start] == 0) {
      start++;
    }
    List<Integer> walk = new ArrayList<>();
    int[] seenAt = new int[n];
    java.util.Arrays.fill(seenAt, -1);
    int cur = start;
    while (seenAt[cur] < 0) {
      seenAt[cur] = walk.size();
      walk.add(cur);
      for (String dep : afters.get(cur)) {
        int d = componentIndex.get(dep);
        if (waiting[d] > 0) {
          cur = d;
          break;
        }
      }
    }
    List<Integer> cycle = new ArrayList<>(walk.subList(seenAt[cur], walk.size()));
    int lowest = cycle.indexOf(Collections.min(cycle));
    Collections.rotate(cycle, -lowest);
    List<String> names = new ArrayList<>();
    for (int i : cycle) {
      names.add(m.getComponents(i).getName());
    }
    names.add(names.get(0));
    Component first = m.getComponents(cycle.get(0));
    int entry = first.getAfterList().indexOf(names.get(1));
    throw fail("manifest.after_cycle", "components[" + cycle.get(0) + "].after[" + entry + "]",
        "the after entries form a cycle: " + String.join(" -> ", names)
            + " (each waits for the next), so none of them could start; remove one of these after entries.");
  }

  // ---- regions and channels -------------------------------------------------------------------

  private Set<Right> region(Region r, String p) {
    String what = "region \"" + r.getName() + "\"";
    enumValue(r.getBackingValue(), Backing.getDescriptor(), p + ".backing", p, "backing", what);
    long size = r.getSize();
    if (size == 0 || Long.compareUnsigned(size, MAX_REGION_SIZE) > 0) {
      throw fail("manifest.region_size", size == 0 && !src.has(p + ".size") ? p : p + ".size",
          (size == 0 ? what + " has no size" : what + " size " + Long.toUnsignedString(size) + " is too large")
              + "; set size to a number of bytes from 1 to " + MAX_REGION_SIZE + " (1 GiB).");
    }
    backingOptions(r.getBacking(), r.getPersistent(), r.getFile(), p, what);
    EnumSet<Right> rights = EnumSet.noneOf(Right.class);
    for (int j = 0; j < r.getRightsCount(); j++) {
      enumValue(r.getRightsValue(j), Right.getDescriptor(), p + ".rights[" + j + "]", p, "right", what);
      rights.add(r.getRights(j));
    }
    if (rights.isEmpty()) {
      rights = EnumSet.of(Right.READ, Right.WRITE);
    }
    return Collections.unmodifiableSet(rights);
  }

  private int channel(Channel ch, String p) {
    String what = "channel \"" + ch.getName() + "\"";
    enumValue(ch.getBackingValue(), Backing.getDescriptor(), p + ".backing", p, "backing", what);
    long capacity = Integer.toUnsignedLong(ch.getCapacity());
    if (capacity != 0
        && (Long.bitCount(capacity) != 1 || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY)) {
      long suggestion = Math.max(MIN_CAPACITY, Math.min(MAX_CAPACITY, Long.highestOneBit(capacity)));
      throw fail("manifest.channel_capacity", p + ".capacity",
          what + " capacity " + capacity + " is not a power of two from " + MIN_CAPACITY + " to " + MAX_CAPACITY
              + "; use for example " + suggestion + ", or leave it out for the default ("
              + ChannelSpec.DEFAULT_CAPACITY + ").");
    }
    backingOptions(ch.getBacking(), ch.getPersistent(), ch.getFile(), p, what);
    return capacity == 0 ? ChannelSpec.DEFAULT_CAPACITY : (int) capacity;
  }

  private void backingOptions(Backing backing, boolean persistent, String shmFile, String p, String what) {
    if (backing == Backing.ANONYMOUS && (persistent || !shmFile.isEmpty())) {
      throw fail("manifest.backing_option", p + (persistent ? ".persistent" : ".file"),
          (persistent ? "persistent" : "file") + " is only for backing SHM_FILE, but " + what
              + " is ANONYMOUS (private memory, no file); remove it or use backing: SHM_FILE.");
    }
    if (!shmFile.isEmpty()
        && (shmFile.contains("/") || shmFile.contains("..") || shmFile.contains("\0") || shmFile.equals(".")
            || shmFile.length() > 200)) {
      throw fail("manifest.invalid_file_name", p + ".file",
          "file \"" + printable(shmFile) + "\" of " + what + " must be a plain file name under /dev/shm "
              + "(no '/', no '..', at most 200 characters); for example file: \"b8g-" + what.replaceAll(".*\"(.*)\"", "$1")
              + "\".");
    }
  }

  // ---- grants ---------------------------------------------------------------------------------

  private GrantSpec grant(Grant g, String p, List<Set<Right>> regionRights) {
    String component = g.getComponent();
    if (component.isEmpty()) {
      throw fail("manifest.unknown_component", p,
          "grant names no component; add component: \"...\" (declared components are: "
              + list(componentIndex.keySet()) + ").");
    }
    if (!componentIndex.containsKey(component)) {
      throw fail("manifest.unknown_component", p + ".component",
          "grant to unknown component \"" + printable(component) + "\"; declared components are: "
              + list(componentIndex.keySet()) + ". Fix the name or declare the component.");
    }
    String forWhom = " in grant for component \"" + component + "\"";
    switch (g.getTargetCase()) {
      case REGION:
      case CHANNEL: {
        boolean isRegion = g.getTargetCase() == Grant.TargetCase.REGION;
        String kind = isRegion ? "region" : "channel";
        String target = isRegion ? g.getRegion() : g.getChannel();
        Map<String, Integer> declared = isRegion ? regionIndex : channelIndex;
        if (!declared.containsKey(target)) {
          Map<String, Integer> other = isRegion ? channelIndex : regionIndex;
          String hint = other.containsKey(target)
              ? " There is a " + (isRegion ? "channel" : "region") + " of that name: write "
                  + (isRegion ? "channel" : "region") + ": \"" + target + "\"."
              : " Declare it under " + kind + "s or fix the name.";
          throw fail("manifest.unknown_handle", p + "." + kind,
              "unknown handle \"" + printable(target) + "\"" + forWhom + "; declared " + kind + "s are: "
                  + list(declared.keySet()) + "." + hint);
        }
        if (g.getRightsCount() == 0) {
          throw fail("manifest.grant_no_rights", p,
              "grant of " + kind + " \"" + target + "\" to component \"" + component + "\" gives no rights; add "
                  + (isRegion ? "rights: READ, rights: WRITE or both" : "rights: READ (reader end) or rights: WRITE (writer end)")
                  + ".");
        }
        EnumSet<Right> rights = EnumSet.noneOf(Right.class);
        for (int j = 0; j < g.getRightsCount(); j++) {
          enumValue(g.getRightsValue(j), Right.getDescriptor(), p + ".rights[" + j + "]", p, "right",
              "grant of " + kind + " \"" + target + "\"");
          Right right = g.getRights(j);
          if (isRegion && !regionRights.get(regionIndex.get(target)).contains(right)) {
            throw fail("manifest.right_not_allowed", p + ".rights[" + j + "]",
                "grant gives " + right + " on region \"" + target + "\" to component \"" + component
                    + "\", but the region allows only " + list(regionRights.get(regionIndex.get(target)))
                    + "; remove " + right + " from the grant or add it to the region's rights.");
          }
          rights.add(right);
        }
        if (!isRegion && rights.size() > 1) {
          throw fail("manifest.channel_both_ends", p + ".rights",
              "grant gives both ends of channel \"" + target + "\" to component \"" + component
                  + "\" under one name; a channel grant is one end. Use two grants with different as names, "
                  + "one with rights: READ and one with rights: WRITE.");
        }
        noPaths(g, p, kind + " \"" + target + "\"");
        String env = g.getAs().isEmpty() ? target : g.getAs();
        envName(g.getAs(), env, p);
        return new GrantSpec(component, env, isRegion ? GrantSpec.Kind.REGION : GrantSpec.Kind.CHANNEL, target,
            Optional.empty(), Collections.unmodifiableSet(rights), List.of(), src.locate(p));
      }
      case HOST: {
        enumValue(g.getHostValue(), HostCapability.getDescriptor(), p + ".host", p, "host capability",
            "grant for component \"" + component + "\"");
        HostCapability host = g.getHost();
        if (g.getRightsCount() > 0) {
          throw fail("manifest.host_rights", p + ".rights[0]",
              "rights are for regions and channels; host capability " + host + forWhom
                  + " takes none. Remove the rights.");
        }
        List<Path> paths = new ArrayList<>();
        if (host == HostCapability.LOG || host == HostCapability.SNAPSHOT) {
          // SNAPSHOT, like LOG, takes no paths: images go where the host's own scope allows.
          noPaths(g, p, "host capability " + host);
        } else {
          for (int j = 0; j < g.getPathsCount(); j++) {
            paths.add(grantPath(g.getPaths(j), p + ".paths[" + j + "]", host, component));
          }
          if (paths.isEmpty()) {
            paths.add(dir);
          }
        }
        String target = host.name().toLowerCase(Locale.ROOT);
        String env = g.getAs().isEmpty() ? target : g.getAs();
        envName(g.getAs(), env, p);
        return new GrantSpec(component, env, GrantSpec.Kind.HOST, target, Optional.of(host), Set.of(),
            List.copyOf(paths), src.locate(p));
      }
      default:
        throw fail("manifest.grant_no_target", p,
            "grant for component \"" + component + "\" names nothing to grant; add region: \"...\", channel: \"...\" "
                + "or host: RUN / WATCH / LOG.");
    }
  }

  private void noPaths(Grant g, String p, String what) {
    if (g.getPathsCount() > 0) {
      throw fail("manifest.paths_not_applicable", p + ".paths[0]",
          "paths are only for host capabilities RUN and WATCH, not for " + what + "; remove them.");
    }
  }

  private Path grantPath(String value, String path, HostCapability host, String component) {
    String what = host + " path \"" + printable(value) + "\" of component \"" + component + "\"";
    if (value.isEmpty()) {
      throw fail("manifest.path_not_found", path, "empty " + host + " path; give a path relative to the manifest's "
          + "directory, or \".\" for the whole directory.");
    }
    Path resolved = inside(value, path, what);
    if (Files.exists(resolved)) {
      return real(resolved, path, what);
    }
    Path parent = resolved.getParent();
    if (host == HostCapability.WATCH && parent != null && Files.isDirectory(parent)) {
      // A watched file may appear later; its directory must exist and stay inside.
      return real(parent, path, what).resolve(resolved.getFileName());
    }
    throw fail("manifest.path_not_found", path, what + " does not exist (looked for " + resolved + "); create it or "
        + "fix the path" + (host == HostCapability.WATCH ? " (a watched file may be missing, but its directory must exist)" : "")
        + ".");
  }

  private void envName(String as, String env, String p) {
    if (!as.isEmpty()) {
      identifier(as, p + ".as", p, "env name (as)", "as: \"name\"");
    }
    if (RESERVED_ENV.contains(env)) {
      throw fail("manifest.reserved_env", as.isEmpty() ? p : p + ".as",
          "env name \"" + env + "\" is reserved (" + list(new java.util.TreeSet<>(RESERVED_ENV))
              + " are the platform's own); choose another name with as: \"...\".");
    }
  }

  private void env(Map<String, Map<String, String>> envs, String component, String env, String elementPath,
      String errorPath) {
    String first = envs.computeIfAbsent(component, k -> new HashMap<>()).putIfAbsent(env, elementPath);
    if (first != null) {
      throw fail("manifest.duplicate_env", errorPath,
          "component \"" + component + "\" would get two capabilities named \"" + env + "\" in env (the other is "
              + "at " + at(first) + "); give one of them a different name with as: \"...\".");
    }
  }

  private ManifestException twoEnds(String code, String plural, String end, GrantSpec spec, String first,
      String firstPath, String p) {
    return fail(code, p,
        "channel \"" + spec.target() + "\" has two " + plural + ": \"" + first + "\" (at " + at(firstPath) + ") and \""
            + spec.component() + "\"; a channel has exactly one " + end + ". Declare another channel for \""
            + spec.component() + "\".");
  }

  // ---- links ----------------------------------------------------------------------------------

  private LinkSpec link(Link l, String p) {
    for (String[] end : new String[][] {{l.getFrom(), "from"}, {l.getTo(), "to"}}) {
      if (end[0].isEmpty()) {
        throw fail("manifest.unknown_component", p,
            "link has no " + end[1] + "; add " + end[1] + ": \"...\" (declared components are: "
                + list(componentIndex.keySet()) + ").");
      }
      if (!componentIndex.containsKey(end[0])) {
        throw fail("manifest.unknown_component", p + "." + end[1],
            "link " + end[1] + " unknown component \"" + printable(end[0]) + "\"; declared components are: "
                + list(componentIndex.keySet()) + ". Fix the name.");
      }
    }
    if (l.getFrom().equals(l.getTo())) {
      throw fail("manifest.self_link", p + ".to",
          "link gives component \"" + l.getFrom() + "\" its own secret; a link is between two different "
              + "components. Fix from or to.");
    }
    String env = l.getAs().isEmpty() ? l.getFrom() + "_secret" : l.getAs();
    if (l.getAs().isEmpty() && !IDENTIFIER.matcher(env).matches()) {
      throw fail("manifest.invalid_identifier", p, "the default env name \"" + env + "\" is too long; set as: \"...\".");
    }
    envName(l.getAs(), env, p);
    return new LinkSpec(l.getFrom(), l.getTo(), env, src.locate(p));
  }

  // ---- shared checks --------------------------------------------------------------------------

  /** Rejects 0 (*_UNSPECIFIED, or the field left out) and numbers the schema does not define. */
  private void enumValue(int number, EnumDescriptor type, String path, String owner, String what, String of) {
    String choices = type.getValues().stream().filter(v -> v.getNumber() != 0)
        .map(EnumValueDescriptor::getName).collect(Collectors.joining(", "));
    if (number == 0) {
      boolean written = src.has(path);
      throw fail("manifest.unspecified_enum", written ? path : owner,
          (written ? what + " " + type.getValues().get(0).getName() + " is not allowed for " + of
              : "missing " + what + " for " + of)
              + "; set it to one of: " + choices + ".");
    }
    if (type.findValueByNumber(number) == null) {
      throw fail("manifest.unknown_enum_value", path,
          what + " " + number + " for " + of + " is not a known value; use one of: " + choices + ".");
    }
  }

  /** Resolves a relative path lexically inside the manifest's directory. */
  private Path inside(String value, String path, String what) {
    Path rel;
    try {
      rel = Path.of(value);
    } catch (InvalidPathException e) {
      throw fail("manifest.invalid_path", path,
          what + " \"" + printable(value) + "\" is not a valid path (" + e.getReason() + "); fix it.");
    }
    if (rel.isAbsolute()) {
      throw fail("manifest.path_escapes", path,
          what + " is absolute; paths are relative to the manifest's directory (" + dir + ") and stay inside it.");
    }
    Path resolved = dir.resolve(rel).normalize();
    if (!resolved.startsWith(dir)) {
      throw fail("manifest.path_escapes", path,
          what + " leaves the manifest's directory (" + dir + ") through '..'; move the file inside the directory.");
    }
    return resolved;
  }

  /** The real path of an existing file, which must still be inside the directory (no symlink out). */
  private Path real(Path resolved, String path, String what) {
    Path real;
    try {
      real = resolved.toRealPath();
    } catch (IOException e) {
      throw fail("manifest.path_not_found", path, what + " cannot be resolved (" + e.getMessage() + "); check it.");
    }
    if (!real.startsWith(dir)) {
      throw fail("manifest.path_escapes", path,
          what + " leaves the manifest's directory (" + dir + ") through a symbolic link (it is " + real
              + "); copy the file inside the directory instead.");
    }
    return real;
  }

  private String at(String path) {
    SourceLocation l = src.locate(path);
    return l.line() + ":" + l.column();
  }

  private ManifestException fail(String code, String path, String detail) {
    return new ManifestException(code, src.locate(path), detail);
  }

  private static String list(Iterable<?> items) {
    List<String> names = new ArrayList<>();
    for (Object item : items) {
      names.add(String.valueOf(item));
    }
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }

  /** User text in a message: control characters escaped, length capped, so a message stays one readable line. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < s.length() && out.length() < 80; i++) {
      char ch = s.charAt(i);
      if (ch < 0x20 || ch == 0x7f) {
        out.append(String.format("\\x%02x", (int) ch));
      } else {
        out.append(ch);
      }
    }
    return i < s.length() ? out + "..." : out.toString();
  }
}
