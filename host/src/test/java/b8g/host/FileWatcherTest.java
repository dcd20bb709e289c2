package b8g.host;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWatcherTest {
  /** Bound for waiting on one event; events normally arrive within milliseconds. */
  private static final long WAIT_SECONDS = 10;

  record Event(long id, String kind, Path path) {}

  @TempDir Path dir;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  /** Counts of every event seen, by watch and kind, for failure messages. */
  private final Map<String, Integer> seen = new ConcurrentSkipListMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private FileWatcher watcher;

  @BeforeEach
  void start() throws IOException {
    watcher = new FileWatcher();
  }

  @AfterEach
  void stop() throws IOException {
    release.countDown();
    watcher.close();
  }

  private void record(long id, String kind, Path path) {
    seen.merge(id + " " + kind, 1, Integer::sum);
    events.add(new Event(id, kind, path));
  }

  /** The first event that matches, skipping others; null if none came within the bound. */
  private Event next(Predicate<Event> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      Event e = events.poll(left, TimeUnit.NANOSECONDS);
      if (e != null && wanted.test(e)) {
        return e;
      }
    }
    return null;
  }

  private Event next(long id, String kind, Path path) throws InterruptedException {
    Event e = next(ev -> ev.id() == id && ev.kind().equals(kind) && ev.path().equals(path));
    assertNotNull(e, "no " + kind + " " + path + " for watch " + id + " within " + WAIT_SECONDS + " s; seen " + seen);
    return e;
  }

  /** The kernel's bound on queued inotify events; 16384 (the usual default) if unreadable. */
  private static int maxQueuedEvents() {
    try {
      // Not Files.readString: on JDK 17 it returns only the first byte of this /proc/sys file.
      return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/fs/inotify/max_queued_events")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return 16384;
    }
  }

  @Test
  void shouldReportOverflowToEveryWatchOfTheDirectoryWhenEventsWereLost() throws Exception {
    Path busy = Files.createDirectory(dir.resolve("busy"));
    Path note = busy.resolve("note.txt");
    CountDownLatch blocked = new CountDownLatch(1);
    long dirWatch = watcher.watch(busy, (id, kind, path) -> {
      record(id, kind, path);
      if (path.getFileName().toString().equals("first")) {
        // Hold the watcher thread so that nothing drains the queues while events pile up.
        blocked.countDown();
        try {
          release.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    long fileWatch = watcher.watch(note, this::record);

    Files.createFile(busy.resolve("first"));
    assertTrue(blocked.await(WAIT_SECONDS, TimeUnit.SECONDS), "the first event did not arrive");
    // More distinct events than any queue on the way holds (identical ones would be merged).
    int n = maxQueuedEvents() + 1;
    for (int i = 0; i < n; i++) {
      Files.createFile(busy.resolve("f" + i));
    }
    release.countDown();

    next(dirWatch, "overflow", busy);
    next(fileWatch, "overflow", note);
  }
}
