package b8g.host.manifest;

import b8g.host.manifest.schema.HostCapability;
import b8g.host.manifest.schema.Right;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One validated grant: what {@code component} finds in {@code env} under the name {@code env}.
 *
 * @param component the receiving component
 * @param env the name in {@code env} (the grant's {@code as}, or its default)
 * @param kind what the target is
 * @param target the region, channel or service name; for a host capability its lower-case name (run, watch, log)
 * @param host the host capability, present only when {@code kind} is {@link Kind#HOST}
 * @param rights for regions and channels, never empty; empty for host capabilities. Iterates in
 *     enum order.
 * @param paths for RUN and WATCH: absolute paths inside the manifest's directory (the directory
 *     itself when the grant lists none); empty otherwise. A WATCH path may not exist yet.
 * @param methods for a SERVICE client: the methods it may call, empty for all; empty otherwise
 * @param location where the grant is written
 */
public record GrantSpec(
    String component,
    String env,
    Kind kind,
    String target,
    Optional<HostCapability> host,
    Set<Right> rights,
    List<Path> paths,
    List<String> methods,
    SourceLocation location) {

  /** What a grant gives. */
  public enum Kind {
    REGION,
    CHANNEL,
    HOST,
    /** A client of a service ({@code target} is the service's name). */
    SERVICE,
    /** The serving end of a service, for the component that provides it. */
    SERVE
  }
}
