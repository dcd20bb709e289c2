package b8g.host;

import b8g.host.manifest.ComponentSpec;
import b8g.host.manifest.GrantSpec;
import b8g.host.manifest.IsolationRules;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.schema.Isolation;
import java.util.HashSet;
import java.util.Set;

/**
 * Where each manifest component runs: in this JVM, or in the worker process of its group (its
 * manifest's {@code isolation} and {@code process_group}, unless the host forces a tier for all),
 * and which memory must therefore be shared with worker processes. Immutable.
 */
final class Placement {
  private final Isolation forced;

  /** @param forced the tier every component runs in, or null (or UNSPECIFIED) for each manifest's own */
  Placement(Isolation forced) {
    this.forced = forced;
  }

  /**
   * The worker group of {@code spec} ({@code group:NAME} for a manifest group, {@code
   * component:NAME} for a worker of its own), or null when it runs in this JVM.
   */
  String workerGroup(ComponentSpec spec) {
    if (IsolationRules.effective(spec, forced) != Isolation.PROCESS) {
      return null;
    }
    return spec.processGroup().isEmpty() ? "component:" + spec.name() : "group:" + spec.processGroup();
  }

  /** The regions and channels granted to a component that runs in a worker. */
  Set<MemoryKey> sharedMemory(LoadedManifest manifest) {
    Set<MemoryKey> out = new HashSet<>();
    for (ComponentSpec c : manifest.components()) {
      if (workerGroup(c) == null) {
        continue;
      }
      for (GrantSpec g : c.grants()) {
        switch (g.kind()) {
          case REGION -> out.add(MemoryKey.region(g.target()));
          case CHANNEL -> out.add(MemoryKey.channel(g.target()));
          default -> { }
        }
      }
    }
    return out;
  }
}
