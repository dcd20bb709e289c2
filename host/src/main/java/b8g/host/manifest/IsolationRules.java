package b8g.host.manifest;

import static b8g.host.manifest.ManifestChecks.printable;

import b8g.host.manifest.schema.Component;
import b8g.host.manifest.schema.HostCapability;
import b8g.host.manifest.schema.Isolation;
import b8g.host.manifest.schema.Right;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for a component's isolation tier: its {@code isolation} and {@code process_group}
 * (a known tier, a well-formed group name, no group on a component kept IN_PROCESS), and what a
 * component in a worker process may be granted for now.
 *
 * <p>The grant rule is public because it depends on where a component actually runs, and a host
 * may force every component into a worker whatever its manifest says ({@code
 * Host.Context.isolation}): the host applies it again at launch, so that a manifest valid in
 * process fails there with the same error as a manifest that asked for workers itself.
 */
public final class IsolationRules {
  /** What a process group name looks like: short and lower case, safe in a file or thread name. */
  public static final Pattern PROCESS_GROUP = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /**
   * The host capabilities served to a component in a worker process. Regions, channel ends and
   * link secrets (strings) cross too, and so do stdio (channel ends in shared memory, pumped by
   * the host); RUN, WATCH and SNAPSHOT need the host to act on the worker's behalf, which is not
   * built yet.
   */
  static final Set<HostCapability> SERVED_TO_WORKERS = EnumSet.of(HostCapability.LOG, HostCapability.STDIN,
      HostCapability.STDOUT, HostCapability.STDERR);

  private final ManifestChecks checks;

  IsolationRules(ManifestChecks checks) {
    this.checks = checks;
  }

  /**
   * The tier of the component at {@code p}, resolved: IN_PROCESS when neither field is written,
   * PROCESS when {@code isolation} says so or a {@code process_group} is set.
   */
  Isolation isolation(Component c, String p) {
    String ip = p + ".isolation";
    if (checks.has(ip) || c.getIsolationValue() != 0) {
      checks.enumValue(c.getIsolationValue(), Isolation.getDescriptor(), ip, p, "isolation",
          "component \"" + c.getName() + "\"");
    }
    String group = c.getProcessGroup();
    if (group.isEmpty()) {
      return c.getIsolation() == Isolation.PROCESS ? Isolation.PROCESS : Isolation.IN_PROCESS;
    }
    String gp = p + ".process_group";
    if (!PROCESS_GROUP.matcher(group).matches()) {
      throw checks.fail("manifest.invalid_process_group", gp,
          "process_group \"" + printable(group) + "\" of component \"" + c.getName() + "\" is not a group name; "
              + "a group name matches " + PROCESS_GROUP.pattern() + " (lower-case letters, digits, _ and -, "
              + "starting with a letter or digit, at most 63 characters).");
    }
    if (c.getIsolation() == Isolation.IN_PROCESS) {
      throw checks.fail("manifest.isolation_conflict", gp,
          "component \"" + c.getName() + "\" has process_group \"" + group + "\", which runs it in a worker process, "
              + "but also isolation: IN_PROCESS; remove process_group to keep it in the host, or remove "
              + "isolation (a group implies PROCESS).");
    }
    return Isolation.PROCESS;
  }

  /**
   * Rejects, with code {@code manifest.isolation} at the grant, a grant that {@code component}
   * could not use if it ran in a worker process, whatever tier its spec names: a host capability
   * other than those in {@link #SERVED_TO_WORKERS}.
   */
  public static void checkProcessGrants(ComponentSpec component) {
    for (GrantSpec g : component.grants()) {
      if (g.kind() == GrantSpec.Kind.HOST && !SERVED_TO_WORKERS.contains(g.host().orElseThrow())) {
        throw new ManifestException("manifest.isolation", g.location(),
            "component \"" + component.name() + "\": env." + g.env() + " grants host capability "
                + g.host().orElseThrow() + ", which a component in a worker process cannot use yet; "
                + "run it IN_PROCESS or remove the grant.");
      }
      if (g.kind() == GrantSpec.Kind.FILE && g.isDirectory()) {
        // Files opened under a directory are installed at run time, which only this JVM does yet.
        throw new ManifestException("manifest.isolation", g.location(),
            "component \"" + component.name() + "\": env." + g.env() + " grants the directory \"" + g.target()
                + "\", which a component in a worker process cannot use yet (files opened at run time are served "
                + "in process only); run it IN_PROCESS, or grant the files it needs one by one.");
      }
    }
  }

  /**
   * Rejects, with code {@code manifest.map_shared} at the grant, a file mapped shared (READ and
   * WRITE with {@code map: true}) into a component that runs in the host's JVM: if anything
   * shortens the file while it is mapped, the component's next access past the new end is a
   * SIGBUS inside V8, which kills the whole JVM. A worker process confines that crash.
   */
  public static void checkInProcessGrants(ComponentSpec component) {
    for (GrantSpec g : component.grants()) {
      if (g.kind() == GrantSpec.Kind.FILE && g.map() && g.rights().contains(Right.WRITE)) {
        throw new ManifestException("manifest.map_shared", g.location(),
            "component \"" + component.name() + "\": env." + g.env() + " maps \"" + g.target() + "\" shared "
                + "(READ, WRITE and map: true) into a component running in the host's process; if the file is "
                + "ever truncated, touching the mapping is a SIGBUS that kills the host. Run the component with "
                + "isolation: PROCESS (a crash then ends only its worker), or grant READ alone for a private copy.");
      }
    }
  }

  /**
   * Rejects, with code {@code manifest.map_shared} at the other grant, a grant that could write or
   * truncate a file some component maps shared: a WRITE grant of the same file, or a WRITE grant
   * of a directory holding it.
   */
  static void checkMappedFiles(List<ComponentSpec> components) {
    for (ComponentSpec c : components) {
      for (GrantSpec mapped : c.grants()) {
        if (mapped.kind() != GrantSpec.Kind.FILE || !mapped.map() || !mapped.rights().contains(Right.WRITE)) {
          continue;
        }
        Path file = mapped.paths().get(0);
        for (ComponentSpec other : components) {
          for (GrantSpec g : other.grants()) {
            if (g == mapped || g.kind() != GrantSpec.Kind.FILE || g.map() || !g.rights().contains(Right.WRITE)) {
              continue;
            }
            Path p = g.paths().get(0);
            if (p.equals(file) || (g.isDirectory() && file.startsWith(p))) {
              throw new ManifestException("manifest.map_shared", g.location(),
                  "component \"" + other.name() + "\": env." + g.env() + " grants WRITE on \"" + g.target()
                      + "\", which could truncate \"" + mapped.target() + "\" while component \"" + c.name()
                      + "\" maps it shared (" + mapped.location() + "); a truncated mapping faults on its next "
                      + "access. Drop WRITE here, or map the file READ alone (a private copy).");
            }
          }
        }
      }
    }
  }

  /**
   * Applies {@link #checkProcessGrants} to every component that runs in a worker under {@code
   * forced} (see {@link #effective}), and {@link #checkInProcessGrants} to every one that runs in
   * the host; the manifest's own tiers were checked at load.
   */
  public static void checkForced(LoadedManifest manifest, Isolation forced) {
    for (ComponentSpec c : manifest.components()) {
      if (effective(c, forced) == Isolation.PROCESS) {
        checkProcessGrants(c);
      } else {
        checkInProcessGrants(c);
      }
    }
  }

  /**
   * Where {@code component} runs on a host that forces {@code forced}: that tier, or the
   * component's own when {@code forced} is null or ISOLATION_UNSPECIFIED.
   *
   * @throws IllegalArgumentException for a tier this build does not know
   */
  public static Isolation effective(ComponentSpec component, Isolation forced) {
    if (forced == null || forced == Isolation.ISOLATION_UNSPECIFIED) {
      return component.isolation();
    }
    if (forced == Isolation.UNRECOGNIZED) {
      throw new IllegalArgumentException("unknown isolation tier: " + forced);
    }
    return forced;
  }
}
