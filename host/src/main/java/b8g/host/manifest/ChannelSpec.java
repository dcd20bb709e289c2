package b8g.host.manifest;

import b8g.host.manifest.schema.Backing;
import java.util.Optional;

/**
 * One validated channel.
 *
 * @param capacity ring data capacity in bytes: a power of two, 4 KiB to 1 GiB (1 MiB when not given)
 * @param file the /dev/shm file name when given (SHM_FILE only); empty means the host's default
 * @param writer the component granted WRITE; empty means the host itself holds the writer end
 * @param reader the component granted READ; empty means the host itself holds the reader end
 */
public record ChannelSpec(
    String name,
    int capacity,
    Backing backing,
    boolean persistent,
    Optional<String> file,
    Optional<String> writer,
    Optional<String> reader,
    SourceLocation location) {

  /** Capacity used when the manifest gives none (or 0). */
  public static final int DEFAULT_CAPACITY = 1 << 20;
}
