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
 * @param location where the grant is written
 * @param map for a file grant: the file is seen as a region ({@code map: true})
 * @param allow for NET: the host:port patterns as written (each parsed once at load, see
 *     {@code b8g.host.net.NetPattern}); empty otherwise
 * @param methods for a SERVICE client: the methods it may call, empty for all; empty otherwise
 */
public record GrantSpec(
    String component,
    String env,
    Kind kind,
    String target,
    Optional<HostCapability> host,
    Set<Right> rights,
    List<Path> paths,
    SourceLocation location,
    boolean map,
    List<String> allow,
    List<String> methods) {

  /** A grant that maps nothing, allows no network and names no methods (every kind but a mapped file, NET and SERVICE). */
  public GrantSpec(String component, String env, Kind kind, String target, Optional<HostCapability> host,
      Set<Right> rights, List<Path> paths, SourceLocation location) {
    this(component, env, kind, target, host, rights, paths, location, false, List.of(), List.of());
  }

  /** What a grant gives. */
  public enum Kind {
    REGION,
    CHANNEL,
    HOST,
    /**
     * A file or a directory ({@code file: "..."}): {@code target} as written, {@code paths} its one
     * absolute path (real, or in a real directory for a file yet to be created).
     */
    FILE,
    /** A client of a service ({@code target} is the service's name). */
    SERVICE,
    /** The serving end of a service, for the component that provides it. */
    SERVE
  }

  /** For a FILE grant: whether it names a directory (it did when the manifest was loaded). */
  public boolean isDirectory() {
    return kind == Kind.FILE && java.nio.file.Files.isDirectory(paths.get(0), java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
