package b8g.host.manifest;

import b8g.host.manifest.schema.Backing;
import b8g.host.manifest.schema.Right;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One validated region.
 *
 * @param size bytes, 1 to 1 GiB
 * @param backing ANONYMOUS or SHM_FILE
 * @param persistent only ever true for SHM_FILE
 * @param file the /dev/shm file name when given (SHM_FILE only; a plain name, no '/' or '..');
 *     empty means the host's default {@code b8g-<pid>-<name>-<random>}
 * @param maxRights the most any grant may give (READ and WRITE when the manifest lists none)
 * @param readers components granted READ, in grant order
 * @param writers components granted WRITE, in grant order
 */
public record RegionSpec(
    String name,
    long size,
    Backing backing,
    boolean persistent,
    Optional<String> file,
    Set<Right> maxRights,
    List<String> readers,
    List<String> writers,
    SourceLocation location) {}
