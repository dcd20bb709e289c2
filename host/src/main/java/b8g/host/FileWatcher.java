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
 * registered with the OS while at least one watch uses it. Listeners run on the watcher thread,
 * without any lock held, and must only hand the event on (to a component's loop).
 */
final class FileWatcher implements AutoCloseable {
  /**
   * Receives (watch id, kind, absolute path). Kinds: "created", "modified", "deleted" for the
   * entry at path; "overflow" when events were lost, with path = the watched file or directory,
   * which may have changed in any way since (rescan it).
   */
  interface Listener {
    void changed(long id, String kind, Path path);
  }

  /** A directory registered with the OS and the number of watches using it (under the lock). */
  private static final class Dir {
    final Path path;
    final WatchKey key;
    int users;

    Dir(Path path, WatchKey key) {
      this.path = path;
      this.key = key;
    }
  }

  private record Watch(Dir dir, Path file, Listener listener) {
    /** What the caller watches: the file, or else the directory. */
    Path path() {
      return file != null ? file : dir.path;
    }
  }

  private final WatchService service;
  // One lock for both maps, so a directory's count and its registration always change together.
  private final Object lock = new Object();
  private final Map<Long, Watch> watches = new HashMap<>();
  private final Map<Path, Dir> dirs = new HashMap<>();
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
   * yet) until {@link #unwatch} of the returned id.
   */
  long watch(Path path, Listener listener) throws IOException {
    boolean isDir = Files.isDirectory(path);
    Path d = isDir ? path : path.getParent();
    synchronized (lock) {
      Dir dir = dirs.get(d);
      if (dir == null) {
        dir = new Dir(d, d.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
        dirs.put(d, dir);
      }
      dir.users++;
      long id = ++lastId;
      watches.put(id, new Watch(dir, isDir ? null : path, listener));
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
      if (w != null && --w.dir.users == 0) {
        // inotify watches are limited per user: give this one back now, not at close().
        w.dir.key.cancel();
        dirs.remove(w.dir.path, w.dir);
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
        key.reset();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  private void deliver(WatchKey key, List<WatchEvent<?>> events) {
    Path dir = (Path) key.watchable();
    List<Map.Entry<Long, Watch>> targets = watchesOf(key);
    for (WatchEvent<?> ev : events) {
      // Events were lost (a kernel or JDK queue was full): every watch of this directory may
      // have missed a change, so each is told, with its own path, and can rescan.
      boolean overflow = ev.kind() == StandardWatchEventKinds.OVERFLOW;
      Path changed = overflow ? null : dir.resolve((Path) ev.context());
      String kind = overflow ? "overflow"
          : ev.kind() == StandardWatchEventKinds.ENTRY_CREATE ? "created"
          : ev.kind() == StandardWatchEventKinds.ENTRY_DELETE ? "deleted" : "modified";
      for (Map.Entry<Long, Watch> e : targets) {
        Watch w = e.getValue();
        if (overflow || w.file == null || w.file.equals(changed)) {
          try {
            w.listener.changed(e.getKey(), kind, overflow ? w.path() : changed);
          } catch (RuntimeException failure) {
            // One listener's failure must not stop the others.
          }
        }
      }
    }
  }

  /** A copy of the watches registered under {@code key}, so listeners run without the lock. */
  private List<Map.Entry<Long, Watch>> watchesOf(WatchKey key) {
    synchronized (lock) {
      return watches.entrySet().stream().filter(e -> e.getValue().dir.key == key).map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }
  }

  @Override
  public void close() throws IOException {
    service.close();
    thread.interrupt();
  }
}
