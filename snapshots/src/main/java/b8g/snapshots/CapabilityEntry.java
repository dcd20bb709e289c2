package b8g.snapshots;

import java.util.Objects;

/**
 * One capability a component held, by name: enough to rebuild its capability table on restore.
 * There is deliberately no field for a secret: link secrets are never written to an image and
 * are issued anew on restore.
 *
 * @param component index of the holding component (its CONTEXT section's id)
 * @param envName the property of {@code env} the stub was installed under
 * @param kind what the capability designates, as the capabilities module names it (for example
 *     {@code region}, {@code channel.in}, {@code channel.out}, {@code file}, {@code run})
 * @param target the name of the designated object (region, channel, path, ...)
 * @param rights rights bits as the capabilities module defines them; stored verbatim
 */
public record CapabilityEntry(int component, String envName, String kind, String target, int rights) {
  public CapabilityEntry {
    Objects.requireNonNull(envName, "envName");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(target, "target");
    if (component < 0) {
      throw new IllegalArgumentException("component must be >= 0, was " + component);
    }
  }
}
