package b8g.host;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches files and directories with one JDK WatchService (inotify on Linux) and one thread per
 * host. A watch on a file registers its directory and filters by name. A directory stays
 * registered with the OS while at least one watch uses it, whatever path spelled it (the OS
 * watches the directory itself, so two spellings share one registration). Listeners run on the
 * watcher thread, without any lock held, and must only hand the event on (to a component's loop).
 */
final class FileWatcher implements AutoCloseable {
  /**
   * Receives (watch id, kind, absolute path). Kinds: "created", "modified", "deleted" for the
   * entry at path; "overflow" when events were lost, with path = the watched file or directory,
   * which may have changed in any way since (rescan it); "deleted" with path = the watched
   * directory (for a file watch: its directory) when the OS stops watching it because it was
   * deleted: that watch then ends and gets nothing more, even if the directory is recreated.
   */
  interface Listener {
    void changed(long id, String kind, Path path);
  }

  /** A directory registered with the OS and the number of watches using it (under the lock). */
  private static final class Dir {
    final WatchKey key;
    int users;

    Dir(WatchKey key) {
      this.key = key;
    }
  }

  /** {@code dir} as this watch spelled it; {@code file} null for a directory watch. */
  private record Watch(Dir registration, Path dir, Path file, Listener listener) {
    /** What the caller watches: the file, or else the directory. */
    Path path() {
      return file != null ? file : dir;
    }
  }

  private final WatchService service;
  // One lock for both maps, so a directory's count and its registration always change together.
  private final Object lock = new Object();
  private final Map<Long, Watch> watches = new HashMap<>();
  // By key, not path: the JDK hands back the same key for every spelling of one directory.
  private final Map<WatchKey, Dir> dirs = new HashMap<>();
  private long lastId;
  private final Thread thread;

  FileWatcher() throws IOException {
    service = FileSystems.getDefault().newWatchService();
    thread = new Thread(this::run, "b8g-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Watches {@code path} (a directory: every entry in it; a file: that file, which may not exist
   * yet) until {@link #unwatch} of the returned id, or until its directory is deleted. A watch
   * made after the directory was recreated registers the new directory.
   */
  long watch(Path path, Listener listener) throws IOException {
    boolean isDir = Files.isDirectory(path);
    Path d = isDir ? path : path.getParent();
    synchronized (lock) {
      // Registering a directory again returns its existing key, so this also finds a registration.
      WatchKey key = d.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
      Dir registration = dirs.computeIfAbsent(key, Dir::new);
      registration.users++;
      long id = ++lastId;
      watches.put(id, new Watch(registration, d, isDir ? null : path, listener));
      return id;
    }
  }

  /**
   * Ends a watch (unknown ids are ignored). The last watch of a directory releases its OS watch.
   * An event the watcher thread has already taken may still reach the listener once.
   */
  void unwatch(long id) {
    synchronized (lock) {
      Watch w = watches.remove(id);
      if (w != null && --w.registration.users == 0) {
        // inotify watches are limited per user: give this one back now, not at close().
        w.registration.key.cancel();
        dirs.remove(w.registration.key);
      }
    }
  }

  /** Directories registered with the OS now (for tests). */
  int registeredDirectories() {
    synchronized (lock) {
      return dirs.size();
    }
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = service.take();
        deliver(key, key.pollEvents());
        if (!key.reset()) {
          // Events that came between the poll and the key's end are still in it.
          deliver(key, key.pollEvents());
          ended(key);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  private void deliver(WatchKey key, List<WatchEvent<?>> events) {
    List<Map.Entry<Long, Watch>> targets = watchesOf(key);
    for (WatchEvent<?> ev : events) {
      // Events were lost (a kernel or JDK queue was full): every watch of this directory may
      // have missed a change, so each is told, with its own path, and can rescan.
      boolean overflow = ev.kind() == StandardWatchEventKinds.OVERFLOW;
      Path name = overflow ? null : (Path) ev.context();
      String kind = overflow ? "overflow"
          : ev.kind() == StandardWatchEventKinds.ENTRY_CREATE ? "created"
          : ev.kind() == StandardWatchEventKinds.ENTRY_DELETE ? "deleted" : "modified";
      for (Map.Entry<Long, Watch> e : targets) {
        Watch w = e.getValue();
        if (overflow || w.file == null || w.file.getFileName().equals(name)) {
          tell(e, kind, overflow ? w.path() : w.dir.resolve(name));
        }
      }
    }
  }

  /**
   * The OS no longer watches key's directory (deleted, or its file system unmounted): its watches
   * end, told by a "deleted" event for the directory. Re-arming them would mean watching parent
   * directories for the name to reappear; instead a caller watches again, which registers afresh
   * because the stale registration is dropped here.
   */
  private void ended(WatchKey key) {
    List<Map.Entry<Long, Watch>> targets;
    synchronized (lock) {
      if (dirs.remove(key) == null) {
        return; // cancelled by unwatch or close: no watch is left to tell
      }
      targets = watchesOf(key);
      watches.values().removeIf(w -> w.registration.key == key);
    }
    for (Map.Entry<Long, Watch> e : targets) {
      tell(e, "deleted", e.getValue().dir);
    }
  }

  private static void tell(Map.Entry<Long, Watch> watch, String kind, Path path) {
    try {
      watch.getValue().listener.changed(watch.getKey(), kind, path);
    } catch (RuntimeException failure) {
      // One listener's failure must not stop the others.
    }
  }

  /** A copy of the watches registered under {@code key}, so listeners run without the lock. */
  private List<Map.Entry<Long, Watch>> watchesOf(WatchKey key) {
    synchronized (lock) {
      return watches.entrySet().stream().filter(e -> e.getValue().registration.key == key).map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (lock) {
      // Closing invalidates every key; with nothing registered, that is not taken for deletions.
      dirs.clear();
      watches.clear();
    }
    service.close();
    thread.interrupt();
  }
}
