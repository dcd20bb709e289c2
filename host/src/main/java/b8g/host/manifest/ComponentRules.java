package b8g.host.manifest;

import static b8g.host.manifest.ManifestChecks.list;
import static b8g.host.manifest.ManifestChecks.printable;

import b8g.components.Limits;
import b8g.host.manifest.schema.Component;
import b8g.host.manifest.schema.RestartPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules for one manifest component: its limits (in range, falling back field by field), its
 * restart policy, its script (an existing regular file inside the manifest's directory) and its
 * {@code after} list (declared components, not itself). One instance per load.
 */
final class ComponentRules {
  static final int MAX_RESTARTS = 10_000;

  private final ManifestChecks checks;
  /** Declared components by name, to their index. */
  private final Map<String, Integer> componentIndex;

  ComponentRules(ManifestChecks checks, Map<String, Integer> componentIndex) {
    this.checks = checks;
    this.componentIndex = componentIndex;
  }

  /** The limits at {@code path}, each field not written taken from {@code fallback}. */
  Limits limits(b8g.host.manifest.schema.Limits limits, String path, Limits fallback) {
    long heap = Integer.toUnsignedLong(limits.getHeapMib());
    long cpu = Integer.toUnsignedLong(limits.getCpuMsPerTurn());
    if ((heap == 0 && checks.has(path + ".heap_mib")) || heap > Limits.MAX_HEAP_MIB) {
      throw checks.fail("manifest.limit_range", path + ".heap_mib",
          "heap_mib " + heap + " is out of range 1.." + Limits.MAX_HEAP_MIB
              + " (MiB); set a value in range or leave it out to use the default (" + fallback.heapMib() + ").");
    }
    if ((cpu == 0 && checks.has(path + ".cpu_ms_per_turn")) || cpu > Limits.MAX_CPU_MS_PER_TURN) {
      throw checks.fail("manifest.limit_range", path + ".cpu_ms_per_turn",
          "cpu_ms_per_turn " + cpu + " is out of range 1.." + Limits.MAX_CPU_MS_PER_TURN
              + " (ms); set a value in range or leave it out to use the default (" + fallback.cpuMillisPerTurn() + ").");
    }
    return Limits.of(heap == 0 ? fallback.heapMib() : (int) heap,
        cpu == 0 ? (int) fallback.cpuMillisPerTurn() : (int) cpu);
  }

  void restart(Component c, String p) {
    if (!c.hasRestart()) {
      return;
    }
    RestartPolicy r = c.getRestart();
    String rp = p + ".restart";
    checks.enumValue(r.getModeValue(), RestartPolicy.Mode.getDescriptor(), rp + ".mode", rp, "restart mode",
        "component \"" + c.getName() + "\"");
    long max = Integer.toUnsignedLong(r.getMaxRestarts());
    if (r.getMode() == RestartPolicy.Mode.ON_FAILURE && max == 0) {
      throw checks.fail("manifest.restart_max_missing", rp + (checks.has(rp + ".max_restarts") ? ".max_restarts" : ".mode"),
          "restart mode ON_FAILURE for component \"" + c.getName() + "\" needs max_restarts of at least 1; "
              + "set it (for example max_restarts: 3), or use mode: NEVER.");
    }
    if (r.getMode() == RestartPolicy.Mode.NEVER && max != 0) {
      throw checks.fail("manifest.restart_max_not_allowed", rp + ".max_restarts",
          "max_restarts is only for mode ON_FAILURE, but component \"" + c.getName()
              + "\" has mode NEVER; remove max_restarts or change the mode.");
    }
    if (max > MAX_RESTARTS) {
      throw checks.fail("manifest.restart_max_range", rp + ".max_restarts",
          "max_restarts " + max + " is out of range 1.." + MAX_RESTARTS + "; lower it.");
    }
  }

  /** The real path of the component's script. */
  Path script(Component c, String p) {
    if (c.getScript().isEmpty()) {
      throw checks.fail("manifest.missing_script", p,
          "component \"" + c.getName() + "\" has no script; add script: \"" + c.getName()
              + ".js\" (a path relative to the manifest's directory).");
    }
    String sp = p + ".script";
    Path resolved = checks.inside(c.getScript(), sp, "script of component \"" + c.getName() + "\"");
    if (!Files.exists(resolved)) {
      throw checks.fail("manifest.script_not_found", sp,
          "script \"" + printable(c.getScript()) + "\" of component \"" + c.getName() + "\" does not exist (looked for "
              + resolved + "); create it or fix the path, which is relative to the manifest's directory.");
    }
    if (!Files.isRegularFile(resolved)) {
      throw checks.fail("manifest.script_not_file", sp,
          "script \"" + printable(c.getScript()) + "\" of component \"" + c.getName()
              + "\" is not a regular file; name a .js file.");
    }
    return checks.real(resolved, sp, "script of component \"" + c.getName() + "\"");
  }

  /** The distinct components {@code c} waits for. */
  List<String> after(Component c, String p) {
    Set<String> after = new LinkedHashSet<>();
    for (int j = 0; j < c.getAfterCount(); j++) {
      String name = c.getAfter(j);
      String ap = p + ".after[" + j + "]";
      if (name.equals(c.getName())) {
        throw checks.fail("manifest.after_self", ap,
            "component \"" + c.getName() + "\" names itself in after; a component cannot wait for itself. Remove it.");
      }
      if (!componentIndex.containsKey(name)) {
        throw checks.fail("manifest.unknown_component", ap,
            "component \"" + c.getName() + "\" waits for \"" + printable(name) + "\" (after), which is not declared; "
                + "declared components are: " + list(componentIndex.keySet()) + ". Fix the name or remove it.");
      }
      after.add(name);
    }
    return List.copyOf(after);
  }
}
