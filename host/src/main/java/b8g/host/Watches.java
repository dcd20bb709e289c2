package b8g.host;

import b8g.capabilities.Capability;
import b8g.components.Component;
import b8g.components.ComponentException;
import b8g.errors.B8gException;
import b8g.memory.Region;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Watches: the files and regions components watch through their watch capability (at most
 * {@link #MAX_PER_COMPONENT} each; file events from the host's {@link FileWatcher}, region changes
 * from a checksum sampled every {@link #REGION_SAMPLE_MS} on the host's sampler thread), and the
 * host's own watches of scripts ({@code b8g run --watch}). Thread-safe.
 */
final class Watches implements AutoCloseable {
  /** File watches and region watches one component may hold. */
  static final int MAX_PER_COMPONENT = 256;
  /** How often a watched region's checksum is sampled. */
  static final int REGION_SAMPLE_MS = 50;

  private final ScheduledExecutorService sampler;
  private final Path base;
  private final Map<Long, Component> owners = new ConcurrentHashMap<>();
  private final Map<Long, ScheduledFuture<?>> regionWatches = new ConcurrentHashMap<>();
  private final AtomicLong regionWatchIds = new AtomicLong(1L << 40); // apart from file watch ids
  private volatile FileWatcher files;

  /** {@code base}: the manifest's directory, against which changed paths are shown. */
  Watches(ScheduledExecutorService sampler, Path base) {
    this.sampler = sampler;
    this.base = base;
  }

  /** Starts the file watcher (its thread). */
  void start() {
    try {
      files = new FileWatcher();
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "host.watch", "cannot start the file watcher: " + e.getMessage(), e);
    }
  }

  /** Calls {@code onChange} with (kind, path) whenever {@code script} changes, for the host itself. */
  void watchScript(Path script, FileWatcher.Listener onChange) {
    try {
      files.watch(script, onChange);
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "host.watch", "cannot watch " + script + ": " + e.getMessage(), e);
    }
  }

  /** A watch of {@code path} (in {@code watch}'s scope) for {@code source}; returns its id. */
  long watchPath(Component source, Capability watch, String path) {
    Path p = watch.target(PathScope.class).resolve(path, false);
    checkQuota(source);
    try {
      long id = files.watch(p, (wid, kind, changed) -> source.deliverWatchEvent(wid, kind, PathScope.shown(base, changed)));
      owners.put(id, source);
      return id;
    } catch (IOException | RuntimeException e) {
      throw new ComponentException("capability.path", "cannot watch \"" + path + "\"");
    }
  }

  /** A watch of the region behind {@code region} for {@code source}: "modified" when its bytes change. */
  long watchRegion(Component source, Capability region) {
    checkQuota(source);
    Region r = region.target(Region.class);
    long id = regionWatchIds.incrementAndGet();
    long[] last = {checksum(r)};
    regionWatches.put(id, sampler.scheduleWithFixedDelay(() -> {
      if (region.revoked() || r.isClosed()) {
        stop(id);
        owners.remove(id);
        return;
      }
      long now = checksum(r);
      if (now != last[0]) {
        last[0] = now;
        source.deliverWatchEvent(id, "modified", r.name());
      }
    }, REGION_SAMPLE_MS, REGION_SAMPLE_MS, TimeUnit.MILLISECONDS));
    owners.put(id, source);
    return id;
  }

  private void checkQuota(Component source) {
    long mine = owners.values().stream().filter(c -> c == source).count();
    if (mine >= MAX_PER_COMPONENT) {
      throw new ComponentException("capability.quota",
          source.name() + " already has " + mine + " watches (the limit is " + MAX_PER_COMPONENT + ")");
    }
  }

  /** Ends {@code source}'s watch {@code id}; a watch of another component is left alone. */
  void unwatch(Component source, long id) {
    if (owners.get(id) == source) {
      owners.remove(id);
      stop(id);
    }
  }

  /** Ends every watch of {@code c} (it has ended). */
  void unwatchAll(Component c) {
    owners.entrySet().removeIf(e -> {
      if (e.getValue() != c) {
        return false;
      }
      stop(e.getKey());
      return true;
    });
  }

  /** Whether any component holds a watch (an event could wake it). */
  boolean any() {
    return !owners.isEmpty();
  }

  private void stop(long id) {
    ScheduledFuture<?> f = regionWatches.remove(id);
    if (f != null) {
      f.cancel(false);
    } else {
      files.unwatch(id);
    }
  }

  private static long checksum(Region r) {
    CRC32C crc = new CRC32C();
    crc.update(r.byteBuffer());
    return crc.getValue();
  }

  /** Stops the file watcher; region samples stop with the sampler, which the host owns. */
  @Override
  public void close() {
    if (files != null) {
      try {
        files.close();
      } catch (IOException e) {
        // nothing left to watch
      }
    }
  }
}
