package b8g.components;

import b8g.capabilities.Capability;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One component's V8 context, taken at a turn boundary, and what it held at that moment.
 *
 * <p>The blob is the raw V8 startup snapshot: V8 neither checksums nor version-checks it, so it
 * must only go back into V8 through a checked path (b8g.snapshots writes and validates it inside a
 * stack image). {@code held} names each capability the way the component's JS stubs know it (the
 * {@code env} name; {@code parent#rights} for an attenuated region; {@code link:name} for a linked
 * one), in slot order. It grants nothing: a restore re-grants by name from the manifest.
 *
 * @param name the component's name
 * @param blob the V8 context blob; owned by this record, not copied
 * @param held capabilities by the name the stubs know them by
 */
public record ComponentSnapshot(String name, byte[] blob, Map<String, Capability> held) {
  public ComponentSnapshot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(blob, "blob");
    held = Collections.unmodifiableMap(new LinkedHashMap<>(held));
  }

  /**
   * Why {@code blob} cannot be restored in this process, or null if it can: it must be a context
   * of this V8 whose read-only heap part is the one all isolates of this process share (V8 does
   * not check that in release builds; a mismatch crashed the process). Loads V8 on first use and
   * takes one probe snapshot (about 10 ms, measured) the first time.
   */
  public static String restoreProblem(byte[] blob) {
    return Engine.blobMismatch(blob);
  }
}
