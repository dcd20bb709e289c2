package b8g.host.manifest;

import static b8g.host.manifest.ManifestChecks.list;
import static b8g.host.manifest.ManifestChecks.printable;

import b8g.host.manifest.schema.Grant;
import b8g.host.net.NetPattern;
import b8g.host.manifest.schema.HostCapability;
import b8g.host.manifest.schema.Link;
import b8g.host.manifest.schema.Right;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules for what ends up in a component's {@code env}: grants (a declared handle with rights
 * it allows, or a host capability with paths inside the manifest's directory), links (another
 * component's secret), and one name per capability in each component's env. One instance per
 * load; remembers the env names seen.
 */
final class GrantRules {
  /** The host's standard streams: channel ends, no rights, no paths. */
  static final Set<HostCapability> STDIO = EnumSet.of(HostCapability.STDIN, HostCapability.STDOUT, HostCapability.STDERR);

  private final ManifestChecks checks;
  private final Map<String, Integer> componentIndex;
  private final Map<String, Integer> regionIndex;
  private final Map<String, Integer> channelIndex;
  /** Per component, env name to the element that took it, to find two capabilities under one name. */
  private final Map<String, Map<String, String>> envs = new HashMap<>();

  GrantRules(ManifestChecks checks, Map<String, Integer> componentIndex, Map<String, Integer> regionIndex,
      Map<String, Integer> channelIndex) {
    this.checks = checks;
    this.componentIndex = componentIndex;
    this.regionIndex = regionIndex;
    this.channelIndex = channelIndex;
  }

  /** The grant at {@code p}; {@code regionRights} are what each region allows, by region index. */
  GrantSpec grant(Grant g, String p, List<Set<Right>> regionRights, Map<String, String> providers) {
    String component = g.getComponent();
    if (component.isEmpty()) {
      throw checks.fail("manifest.unknown_component", p,
          "grant names no component; add component: \"...\" (declared components are: "
              + list(componentIndex.keySet()) + ").");
    }
    if (!componentIndex.containsKey(component)) {
      throw checks.fail("manifest.unknown_component", p + ".component",
          "grant to unknown component \"" + printable(component) + "\"; declared components are: "
              + list(componentIndex.keySet()) + ". Fix the name or declare the component.");
    }
    if (g.getMap() && g.getTargetCase() != Grant.TargetCase.FILE) {
      throw checks.fail("manifest.map_not_applicable", p + ".map",
          "map is only for a file grant (file: \"...\"); remove it from this grant for component \"" + component + "\".");
    }
    if (g.getMethodsCount() > 0 && g.getTargetCase() != Grant.TargetCase.SERVICE) {
      throw checks.fail("manifest.methods_not_applicable", p + ".methods[0]",
          "methods narrow a grant of a service only; remove them from this grant to component \"" + component + "\".");
    }
    switch (g.getTargetCase()) {
      case REGION:
      case CHANNEL:
        return handleGrant(g, p, component, regionRights);
      case FILE:
        return fileGrant(g, p, component);
      case HOST:
        return hostGrant(g, p, component);
      case SERVICE:
        return serviceGrant(g, p, providers);
      default:
        throw checks.fail("manifest.grant_no_target", p,
            "grant for component \"" + component + "\" names nothing to grant; add region: \"...\", channel: \"...\" "
                + "host: RUN / WATCH / LOG / SNAPSHOT / STDIN / STDOUT / STDERR / NET, file: \"...\" or service: \"...\".");
    }
  }

  private GrantSpec handleGrant(Grant g, String p, String component, List<Set<Right>> regionRights) {
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
      throw checks.fail("manifest.unknown_handle", p + "." + kind,
          "unknown handle \"" + printable(target) + "\" in grant for component \"" + component + "\"; declared "
              + kind + "s are: " + list(declared.keySet()) + "." + hint);
    }
    if (g.getRightsCount() == 0) {
      throw checks.fail("manifest.grant_no_rights", p,
          "grant of " + kind + " \"" + target + "\" to component \"" + component + "\" gives no rights; add "
              + (isRegion ? "rights: READ, rights: WRITE or both" : "rights: READ (reader end) or rights: WRITE (writer end)")
              + ".");
    }
    EnumSet<Right> rights = EnumSet.noneOf(Right.class);
    for (int j = 0; j < g.getRightsCount(); j++) {
      checks.enumValue(g.getRightsValue(j), Right.getDescriptor(), p + ".rights[" + j + "]", p, "right",
          "grant of " + kind + " \"" + target + "\"");
      Right right = g.getRights(j);
      if (right == Right.APPEND || right == Right.CREATE) {
        throw checks.fail("manifest.right_not_allowed", p + ".rights[" + j + "]",
            right + " is for file grants; a " + kind + " takes READ and WRITE. Remove it from the grant of " + kind
                + " \"" + target + "\" to component \"" + component + "\".");
      }
      if (isRegion && !regionRights.get(regionIndex.get(target)).contains(right)) {
        throw checks.fail("manifest.right_not_allowed", p + ".rights[" + j + "]",
            "grant gives " + right + " on region \"" + target + "\" to component \"" + component
                + "\", but the region allows only " + list(regionRights.get(regionIndex.get(target)))
                + "; remove " + right + " from the grant or add it to the region's rights.");
      }
      rights.add(right);
    }
    if (!isRegion && rights.size() > 1) {
      throw checks.fail("manifest.channel_both_ends", p + ".rights",
          "grant gives both ends of channel \"" + target + "\" to component \"" + component
              + "\" under one name; a channel grant is one end. Use two grants with different as names, "
              + "one with rights: READ and one with rights: WRITE.");
    }
    noPaths(g, p, kind + " \"" + target + "\"");
    if (g.getAllowCount() > 0) {
      throw checks.fail("manifest.allow_not_applicable", p + ".allow[0]",
          "allow is only for host capability NET, not for " + kind + " \"" + target + "\"; remove it.");
    }
    String env = g.getAs().isEmpty() ? target : g.getAs();
    checks.envName(g.getAs(), env, p);
    return new GrantSpec(component, env, isRegion ? GrantSpec.Kind.REGION : GrantSpec.Kind.CHANNEL, target,
        Optional.empty(), Collections.unmodifiableSet(rights), List.of(), checks.locate(p));
  }

  /**
   * A file or directory grant: the path stays inside the manifest's directory (lexically and
   * through symbolic links, as RUN and WATCH paths); a missing file needs CREATE and an existing
   * directory of its own. A file grant is one thing in env: a reader (READ), a writer (WRITE
   * truncates, APPEND appends) or, with map, a region; a directory grant takes any rights but map.
   */
  private GrantSpec fileGrant(Grant g, String p, String component) {
    String value = g.getFile();
    String what = "file \"" + printable(value) + "\" of component \"" + component + "\"";
    if (value.isEmpty()) {
      throw checks.fail("manifest.path_not_found", p + ".file",
          "empty file path in a grant for component \"" + component + "\"; give a path relative to the manifest's directory.");
    }
    if (value.indexOf('\0') >= 0 || value.length() > 4096) {
      throw checks.fail("manifest.invalid_path", p + ".file", what + " is not a valid path (a NUL character, or longer "
          + "than 4096 characters); fix it.");
    }
    if (g.getRightsCount() == 0) {
      throw checks.fail("manifest.grant_no_rights", p, "grant of " + what + " gives no rights; add rights: READ (a reader),"
          + " WRITE or APPEND (a writer), and CREATE if the file may not exist yet.");
    }
    EnumSet<Right> rights = EnumSet.noneOf(Right.class);
    for (int j = 0; j < g.getRightsCount(); j++) {
      checks.enumValue(g.getRightsValue(j), Right.getDescriptor(), p + ".rights[" + j + "]", p, "right", "grant of " + what);
      rights.add(g.getRights(j));
    }
    noPaths(g, p, what);
    Path resolved = checks.inside(value, p + ".file", what);
    boolean exists = Files.exists(resolved, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.exists(resolved);
    Path real;
    if (exists) {
      real = checks.real(resolved, p + ".file", what);
    } else {
      Path parent = resolved.getParent();
      if (!rights.contains(Right.CREATE) || parent == null || !Files.isDirectory(parent)) {
        throw checks.fail("manifest.path_not_found", p + ".file", what + " does not exist (looked for " + resolved + "); "
            + (rights.contains(Right.CREATE) ? "its directory must exist." : "create it, fix the path, or add rights: CREATE."));
      }
      real = checks.real(parent, p + ".file", what).resolve(resolved.getFileName());
    }
    boolean directory = exists && Files.isDirectory(real);
    if (rights.contains(Right.WRITE) && rights.contains(Right.APPEND)) {
      throw checks.fail("manifest.file_rights", p + ".rights", what + " is granted both WRITE (from the start, truncating) "
          + "and APPEND; keep one.");
    }
    if (directory) {
      if (g.getMap()) {
        throw checks.fail("manifest.map_not_applicable", p + ".map", what + " is a directory; map is for a file.");
      }
    } else if (g.getMap()) {
      if (!rights.contains(Right.READ) || rights.contains(Right.APPEND) || !exists) {
        throw checks.fail("manifest.file_rights", p + ".rights", what + " is mapped: it must exist and be granted READ "
            + "(a private copy) or READ and WRITE (shared with the file), not APPEND.");
      }
    } else {
      boolean reads = rights.contains(Right.READ);
      boolean writes = rights.contains(Right.WRITE) || rights.contains(Right.APPEND);
      if (reads && writes) {
        throw checks.fail("manifest.file_rights", p + ".rights", what + " is granted to be read and written under one "
            + "name; a file grant is one stream. Use two grants with different as names (one READ, one WRITE or APPEND), "
            + "or map: true to see the file as a region.");
      }
      if (!reads && !writes) {
        throw checks.fail("manifest.file_rights", p + ".rights", what + " has CREATE alone; add WRITE or APPEND.");
      }
    }
    String name = real.getFileName() == null ? "file" : real.getFileName().toString();
    String defaultEnv = name.replaceAll("[^A-Za-z0-9_]", "_");
    if (defaultEnv.isEmpty() || Character.isDigit(defaultEnv.charAt(0))) {
      defaultEnv = "_" + defaultEnv;
    }
    String env = g.getAs().isEmpty() ? defaultEnv : g.getAs();
    checks.envName(g.getAs(), env, p);
    return new GrantSpec(component, env, GrantSpec.Kind.FILE, value, Optional.empty(), Collections.unmodifiableSet(rights),
        List.of(real), checks.locate(p), g.getMap(), List.of(), List.of());
  }

  private GrantSpec hostGrant(Grant g, String p, String component) {
    checks.enumValue(g.getHostValue(), HostCapability.getDescriptor(), p + ".host", p, "host capability",
        "grant for component \"" + component + "\"");
    HostCapability host = g.getHost();
    if (g.getRightsCount() > 0) {
      throw checks.fail("manifest.host_rights", p + ".rights[0]",
          "rights are for regions and channels; host capability " + host + " in grant for component \"" + component
              + "\" takes none. Remove the rights.");
    }
    if (host != HostCapability.NET && g.getAllowCount() > 0) {
      throw checks.fail("manifest.allow_not_applicable", p + ".allow[0]",
          "allow is only for host capability NET, not for " + host + "; remove it.");
    }
    List<Path> paths = new ArrayList<>();
    List<String> allow = new ArrayList<>();
    if (host == HostCapability.NET) {
      noPaths(g, p, "host capability NET (it takes allow: \"host:port\" patterns)");
      if (g.getAllowCount() == 0) {
        throw checks.fail("manifest.net_no_allow", p,
            "NET grant for component \"" + component + "\" allows nothing; add allow: \"host:port\" patterns, e.g. "
                + "allow: [\"127.0.0.1:8080\", \"api.example.com:443\", \"10.0.0.0/8:*\"].");
      }
      for (int j = 0; j < g.getAllowCount(); j++) {
        try {
          NetPattern.parse(g.getAllow(j));
        } catch (IllegalArgumentException e) {
          throw checks.fail("manifest.net_pattern", p + ".allow[" + j + "]",
              "NET grant for component \"" + component + "\": " + e.getMessage() + ".");
        }
        allow.add(g.getAllow(j));
      }
    } else if (host == HostCapability.LOG || host == HostCapability.SNAPSHOT || STDIO.contains(host)) {
      // SNAPSHOT, like LOG, takes no paths: images go where the host's own scope allows; stdio
      // names the host's own descriptors.
      noPaths(g, p, "host capability " + host);
    } else {
      for (int j = 0; j < g.getPathsCount(); j++) {
        paths.add(grantPath(g.getPaths(j), p + ".paths[" + j + "]", host, component));
      }
      if (paths.isEmpty()) {
        paths.add(checks.directory());
      }
    }
    String target = host.name().toLowerCase(Locale.ROOT);
    String env = g.getAs().isEmpty() ? target : g.getAs();
    checks.envName(g.getAs(), env, p);
    return new GrantSpec(component, env, GrantSpec.Kind.HOST, target, Optional.of(host), Set.of(),
        List.copyOf(paths), checks.locate(p), false, List.copyOf(allow), List.of());
  }

  /**
   * A grant of a service: the serving end when {@code component} provides it ({@code providers}:
   * service name to its providing component, "" for the application), else a client, optionally
   * narrowed to {@code methods}.
   */
  GrantSpec serviceGrant(Grant g, String p, Map<String, String> providers) {
    String component = g.getComponent();
    String service = g.getService();
    if (!providers.containsKey(service)) {
      throw checks.fail("manifest.unknown_service", p + ".service",
          "grant of unknown service \"" + printable(service) + "\" to component \"" + component + "\"; declared services are: "
              + list(providers.keySet()) + ". Declare it under services { name: \"...\" component: \"...\" } "
              + "or services { name: \"...\" application: true }.");
    }
    if (g.getRightsCount() > 0) {
      throw checks.fail("manifest.host_rights", p + ".rights[0]",
          "rights are for regions and channels; a grant of service \"" + service + "\" takes none (narrow it with methods). Remove the rights.");
    }
    noPaths(g, p, "service \"" + service + "\"");
    boolean serves = component.equals(providers.get(service));
    List<String> methods = new ArrayList<>();
    for (int j = 0; j < g.getMethodsCount(); j++) {
      String m = g.getMethods(j);
      if (serves) {
        throw checks.fail("manifest.methods_not_applicable", p + ".methods[" + j + "]",
            "component \"" + component + "\" provides service \"" + service + "\", so its grant is the serving end; "
                + "methods narrow a client's grant only. Remove them.");
      }
      checks.identifier(m, p + ".methods[" + j + "]", p, "method name", "methods: [\"lookup\"]");
      if (methods.contains(m)) {
        throw checks.fail("manifest.duplicate_name", p + ".methods[" + j + "]", "method \"" + m + "\" is listed twice; list it once.");
      }
      methods.add(m);
    }
    String env = g.getAs().isEmpty() ? service : g.getAs();
    checks.envName(g.getAs(), env, p);
    return new GrantSpec(component, env, serves ? GrantSpec.Kind.SERVE : GrantSpec.Kind.SERVICE, service,
        Optional.empty(), Set.of(), List.of(), checks.locate(p), false, List.of(), List.copyOf(methods));
  }

  private void noPaths(Grant g, String p, String what) {
    if (g.getPathsCount() > 0) {
      throw checks.fail("manifest.paths_not_applicable", p + ".paths[0]",
          "paths are only for host capabilities RUN and WATCH, not for " + what + "; remove them.");
    }
  }

  private Path grantPath(String value, String path, HostCapability host, String component) {
    String what = host + " path \"" + printable(value) + "\" of component \"" + component + "\"";
    if (value.isEmpty()) {
      throw checks.fail("manifest.path_not_found", path, "empty " + host + " path; give a path relative to the manifest's "
          + "directory, or \".\" for the whole directory.");
    }
    Path resolved = checks.inside(value, path, what);
    if (Files.exists(resolved)) {
      return checks.real(resolved, path, what);
    }
    Path parent = resolved.getParent();
    if (host == HostCapability.WATCH && parent != null && Files.isDirectory(parent)) {
      // A watched file may appear later; its directory must exist and stay inside.
      return checks.real(parent, path, what).resolve(resolved.getFileName());
    }
    throw checks.fail("manifest.path_not_found", path, what + " does not exist (looked for " + resolved + "); create it or "
        + "fix the path" + (host == HostCapability.WATCH ? " (a watched file may be missing, but its directory must exist)" : "")
        + ".");
  }

  /** Takes {@code env} in {@code component}'s env for the element at {@code elementPath}, once. */
  void env(String component, String env, String elementPath, String errorPath) {
    String first = envs.computeIfAbsent(component, k -> new HashMap<>()).putIfAbsent(env, elementPath);
    if (first != null) {
      throw checks.fail("manifest.duplicate_env", errorPath,
          "component \"" + component + "\" would get two capabilities named \"" + env + "\" in env (the other is "
              + "at " + checks.at(first) + "); give one of them a different name with as: \"...\".");
    }
  }

  /** The error for a second writer (or reader) of one channel. */
  ManifestException twoEnds(String code, String plural, String end, GrantSpec spec, String first, String firstPath,
      String p) {
    return checks.fail(code, p,
        "channel \"" + spec.target() + "\" has two " + plural + ": \"" + first + "\" (at " + checks.at(firstPath)
            + ") and \"" + spec.component() + "\"; a channel has exactly one " + end + ". Declare another channel for \""
            + spec.component() + "\".");
  }

  /** The link at {@code p}, its env name taken in the receiving component's env. */
  LinkSpec link(Link l, String p) {
    for (String[] end : new String[][] {{l.getFrom(), "from"}, {l.getTo(), "to"}}) {
      if (end[0].isEmpty()) {
        throw checks.fail("manifest.unknown_component", p,
            "link has no " + end[1] + "; add " + end[1] + ": \"...\" (declared components are: "
                + list(componentIndex.keySet()) + ").");
      }
      if (!componentIndex.containsKey(end[0])) {
        throw checks.fail("manifest.unknown_component", p + "." + end[1],
            "link " + end[1] + " unknown component \"" + printable(end[0]) + "\"; declared components are: "
                + list(componentIndex.keySet()) + ". Fix the name.");
      }
    }
    if (l.getFrom().equals(l.getTo())) {
      throw checks.fail("manifest.self_link", p + ".to",
          "link gives component \"" + l.getFrom() + "\" its own secret; a link is between two different "
              + "components. Fix from or to.");
    }
    String env = l.getAs().isEmpty() ? l.getFrom() + "_secret" : l.getAs();
    if (l.getAs().isEmpty() && !ManifestChecks.IDENTIFIER.matcher(env).matches()) {
      throw checks.fail("manifest.invalid_identifier", p, "the default env name \"" + env + "\" is too long; set as: \"...\".");
    }
    checks.envName(l.getAs(), env, p);
    env(l.getTo(), env, p, l.getAs().isEmpty() ? p : p + ".as");
    return new LinkSpec(l.getFrom(), l.getTo(), env, checks.locate(p));
  }
}
