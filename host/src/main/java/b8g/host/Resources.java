package b8g.host;

import b8g.capabilities.CapabilityException;
import b8g.components.ComponentException;
import b8g.host.manifest.ChannelSpec;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.RegionSpec;
import b8g.host.manifest.schema.Backing;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The host's memory: every manifest region and every channel's ring, created (and, on a restore,
 * filled from saved bytes) before any component starts, and released on {@link #close()}
 * (non-persistent /dev/shm files are removed). Keyed by {@link MemoryKey}. Written only while the
 * host opens; read from any thread after.
 */
final class Resources implements AutoCloseable {
  private final Map<MemoryKey, Region> memory = new LinkedHashMap<>();
  /** The same regions by image name ({@code NAME}, {@code channel:NAME}), in creation order. */
  private final Map<String, Region> byImageName = new LinkedHashMap<>();
  private final Map<String, Ring> channels = new LinkedHashMap<>();
  /**
   * Rings whose other end a host pump holds (stdio, files), by a name for reports ("stdout",
   * "file notes.txt"); not part of checkpoints or images: what a pump moves is not saved.
   */
  private final Map<Ring, String> io = new LinkedHashMap<>();

  /**
   * Creates the regions, then the channels, of {@code manifest}; memory named in {@code saved}
   * (by image name) is filled from it and its rings are attached, not reset. Anonymous memory in
   * {@code shared} is created for sharing with worker processes ({@link Region#shared}: a file
   * that has no name any more, mapped by the workers through this process's descriptor).
   *
   * @throws ComponentException {@code snapshot.mismatch} when saved memory has another size
   */
  void open(LoadedManifest manifest, Map<String, ByteBuffer> saved, Set<MemoryKey> shared) {
    for (RegionSpec r : manifest.regions()) {
      MemoryKey key = MemoryKey.region(r.name());
      add(key, r.backing() == Backing.SHM_FILE
          ? Region.shmFile(r.name(), shmPath(r.file().orElse(Region.unguessableName(r.name()))), r.size(), r.persistent())
          : shared.contains(key) ? Region.shared(r.name(), r.size()) : Region.anonymous(r.name(), r.size()));
    }
    for (RegionSpec r : manifest.regions()) {
      MemoryKey key = MemoryKey.region(r.name());
      ByteBuffer bytes = saved.get(key.imageName());
      if (bytes != null) {
        fill(memory.get(key), bytes);
      }
    }
    for (ChannelSpec c : manifest.channels()) {
      long size = (long) c.capacity() + RingDescriptor.TRAILER_LENGTH;
      MemoryKey key = MemoryKey.channel(c.name());
      Region mem = c.backing() == Backing.SHM_FILE
          ? Region.shmFile(c.name(), shmPath(c.file().orElse(Region.unguessableName(c.name()))), size, c.persistent())
          : shared.contains(key) ? Region.shared(c.name(), size) : Region.anonymous(c.name(), size);
      add(key, mem);
      ByteBuffer bytes = saved.get(key.imageName());
      if (bytes != null) {
        fill(mem, bytes);
        channels.put(c.name(), Ring.attach(mem));
      } else {
        channels.put(c.name(), Ring.create(mem));
      }
    }
  }

  private void add(MemoryKey key, Region region) {
    memory.put(key, region);
    byImageName.put(key.imageName(), region);
  }

  private static void fill(Region region, ByteBuffer saved) {
    if (saved.remaining() != region.size()) {
      throw new ComponentException("snapshot.mismatch", "saved memory " + region.name() + " has " + saved.remaining()
          + " bytes but the manifest declares " + region.size());
    }
    region.byteBuffer().duplicate().clear().put(saved.duplicate());
  }

  private static Path shmPath(String file) {
    return Path.of("/dev/shm", file);
  }

  /** The region named {@code name}. */
  Region region(String name) {
    Region r = memory.get(MemoryKey.region(name));
    if (r == null) {
      throw new CapabilityException("capability.unknown", "no region named " + name);
    }
    return r;
  }

  /** The ring of the channel named {@code name}. */
  Ring channel(String name) {
    Ring r = channels.get(name);
    if (r == null) {
      throw new CapabilityException("capability.unknown", "no channel named " + name);
    }
    return r;
  }

  /**
   * A new ring of {@code capacity} for a pump-served grant, named {@code name} in reports; in
   * memory a worker process can map when {@code shared} (as for a manifest channel granted to a
   * worker). Released with the rest on {@link #close()}.
   */
  synchronized Ring openIo(String name, int capacity, boolean shared) {
    long size = (long) capacity + RingDescriptor.TRAILER_LENGTH;
    Region mem = shared ? Region.shared(name, size) : Region.anonymous(name, size);
    Ring ring = Ring.create(mem);
    io.put(ring, name);
    return ring;
  }

  /**
   * Keeps {@code ring}'s memory past {@link #close()}: a pump still blocked in a read (standard
   * input nobody closed) would write into it when input comes. Leaked until the process ends.
   */
  synchronized void retainIo(Ring ring) {
    io.remove(ring);
  }

  /** The name of the channel whose ring is {@code ring}, or "?". */
  String nameOf(Ring ring) {
    synchronized (this) {
      String ioName = io.get(ring);
      if (ioName != null) {
        return ioName;
      }
    }
    for (Map.Entry<String, Ring> e : channels.entrySet()) {
      if (e.getValue() == ring) {
        return e.getKey();
      }
    }
    return "?";
  }

  /** Whether Java code holds an end of any channel (it could wake a component). */
  boolean anyJavaEnd() {
    synchronized (this) {
      if (io.keySet().stream().anyMatch(Ring::hasJavaEnd)) {
        return true;
      }
    }
    return channels.values().stream().anyMatch(Ring::hasJavaEnd);
  }

  /** All memory by image name, regions first: a live, unmodifiable view. */
  Map<String, Region> byImageName() {
    return Collections.unmodifiableMap(byImageName);
  }

  @Override
  public void close() {
    for (Region r : memory.values()) {
      r.close();
    }
    synchronized (this) {
      for (Ring r : io.keySet()) {
        r.region().close();
      }
    }
  }
}
