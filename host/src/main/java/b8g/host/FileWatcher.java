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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches files and directories with one JDK WatchService (inotify on Linux) and one thread per
 * host. A watch on a file registers its directory and filters by name. Listeners run on the
 * watcher thread and must only hand the event on (to a component's loop).
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

  private record Watch(Path dir, Path file, Listener listener) {
    /** What the caller watches: the file, or else the directory. */
    Path path() {
      return file != null ? file : dir;
    }
  }

  private final WatchService service;
  private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
  private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Thread thread;

  FileWatcher() throws IOException {
    service = FileSystems.getDefault().newWatchService();
    thread = new Thread(this::run, "b8g-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Watches {@code path} (a directory: every entry in it; a file: that file, which may not exist
   * yet).
   */
  long watch(Path path, Listener listener) throws IOException {
    boolean dir = Files.isDirectory(path);
    Path d = dir ? path : path.getParent();
    keys.computeIfAbsent(d, k -> {
      try {
        return k.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    long id = ids.incrementAndGet();
    watches.put(id, new Watch(d, dir ? null : path, listener));
    return id;
  }

  void unwatch(long id) {
    watches.remove(id);
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = service.take();
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> ev : key.pollEvents()) {
          // Events were lost (a kernel or JDK queue was full): every watch of this directory may
          // have missed a change, so each is told, with its own path, and can rescan.
          boolean overflow = ev.kind() == StandardWatchEventKinds.OVERFLOW;
          Path changed = overflow ? null : dir.resolve((Path) ev.context());
          String kind = overflow ? "overflow"
              : ev.kind() == StandardWatchEventKinds.ENTRY_CREATE ? "created"
              : ev.kind() == StandardWatchEventKinds.ENTRY_DELETE ? "deleted" : "modified";
          for (Map.Entry<Long, Watch> e : watches.entrySet()) {
            Watch w = e.getValue();
            if (w.dir.equals(dir) && (overflow || w.file == null || w.file.equals(changed))) {
              try {
                w.listener.changed(e.getKey(), kind, overflow ? w.path() : changed);
              } catch (RuntimeException failure) {
                // One listener's failure must not stop the others.
              }
            }
          }
        }
        key.reset();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  @Override
  public void close() throws IOException {
    service.close();
    thread.interrupt();
  }
}
