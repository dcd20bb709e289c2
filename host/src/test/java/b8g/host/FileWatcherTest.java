package b8g.host;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWatcherTest {
  /** Bound for waiting on one event; events normally arrive within milliseconds. */
  private static final long WAIT_SECONDS = 10;

  record Event(long id, String kind, Path path) {}

  @TempDir Path dir;
  /** Every event received, in order (guarded by itself; notified on each). */
  private final List<Event> events = new ArrayList<>();
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
    synchronized (events) {
      events.add(new Event(id, kind, path));
      events.notifyAll();
    }
  }

  /** Waits, within the bound, until this event has been received (in any order with others). */
  private void await(long id, String kind, Path path) throws InterruptedException {
    Event wanted = new Event(id, kind, path);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    synchronized (events) {
      while (!events.contains(wanted)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          Map<String, Long> seen = events.stream().collect(Collectors.groupingBy(e -> e.id() + " " + e.kind(), TreeMap::new, Collectors.counting()));
          fail("no " + kind + " " + path + " for watch " + id + " within " + WAIT_SECONDS + " s; seen " + seen);
        }
        TimeUnit.NANOSECONDS.timedWait(events, left);
      }
    }
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

  /** inotify watches this process holds: "inotify wd:" lines of its inotify descriptors' fdinfo. */
  private static long inotifyWatches() throws IOException {
    long n = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify")) {
            n += Files.readAllLines(Path.of("/proc/self/fdinfo").resolve(fd.getFileName())).stream()
                .filter(line -> line.startsWith("inotify wd:")).count();
          }
        } catch (IOException closedMeanwhile) {
          // Some other descriptor (such as this listing's own) is gone already.
        }
      }
    }
    return n;
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

    await(dirWatch, "overflow", busy);
    await(fileWatch, "overflow", note);
  }

  @Test
  void shouldReleaseTheInotifyWatchWhenTheLastWatchOfADirectoryIsRemoved() throws Exception {
    long before = inotifyWatches();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ids.add(watcher.watch(Files.createDirectory(dir.resolve("d" + i)), this::record));
    }
    assertEquals(2000, watcher.registeredDirectories());
    assertEquals(before + 2000, inotifyWatches(), "the count of the OS's watches is not what it seems");

    ids.forEach(watcher::unwatch);

    assertEquals(0, watcher.registeredDirectories());
    assertEquals(before, inotifyWatches());
  }

  @Test
  void shouldKeepTheDirectoryWatchedUntilItsLastWatchIsRemoved() throws Exception {
    Path note = dir.resolve("note.txt");
    long dirWatch = watcher.watch(dir, this::record);
    long fileWatch = watcher.watch(note, this::record);

    watcher.unwatch(dirWatch);
    Files.writeString(note, "hi");

    await(fileWatch, "created", note);
    assertEquals(1, watcher.registeredDirectories());
    watcher.unwatch(fileWatch);
    assertEquals(0, watcher.registeredDirectories());
  }

  @Test
  void shouldLeaveNoWatchBehindWhenWatchAndUnwatchOfOneDirectoryRace() throws Exception {
    long before = inotifyWatches();
    Path contested = Files.createDirectory(dir.resolve("contested"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            watcher.unwatch(watcher.watch(contested, this::record));
          }
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, watcher.registeredDirectories());
    assertEquals(before, inotifyWatches());

    // The directory is watched afresh afterwards (no cancelled key was left cached).
    long id = watcher.watch(contested, this::record);
    Files.createFile(contested.resolve("after"));
    await(id, "created", contested.resolve("after"));
  }

  @Test
  void shouldKeepWatchingADirectoryWhenTheWatchOfAnotherSpellingOfItIsRemoved() throws Exception {
    Path real = Files.createDirectory(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    long viaReal = watcher.watch(real, this::record);
    // The OS watches the directory, not the name: both watches share one registration.
    long viaLink = watcher.watch(link.resolve("note.txt"), this::record);
    assertEquals(1, watcher.registeredDirectories());

    Files.createFile(real.resolve("note.txt"));
    await(viaLink, "created", link.resolve("note.txt"));
    watcher.unwatch(viaLink);
    Files.createFile(real.resolve("other.txt"));

    await(viaReal, "created", real.resolve("other.txt"));
    watcher.unwatch(viaReal);
    assertEquals(0, watcher.registeredDirectories());
  }

  @Test
  void shouldEndTheWatchesOfADeletedDirectoryAndWatchItAfreshOnceRecreated() throws Exception {
    Path box = Files.createDirectory(dir.resolve("box"));
    Path note = Files.createFile(box.resolve("note.txt"));
    long dirWatch = watcher.watch(box, this::record);
    long fileWatch = watcher.watch(note, this::record);

    Files.delete(note);
    Files.delete(box);

    await(fileWatch, "deleted", note);
    await(dirWatch, "deleted", box);
    await(fileWatch, "deleted", box);
    assertEquals(0, watcher.registeredDirectories(), "the dead registration is still cached");

    Files.createDirectory(box);
    long again = watcher.watch(box, this::record);
    Files.createFile(box.resolve("new.txt"));
    await(again, "created", box.resolve("new.txt"));
    // The ended watches no longer count: removing them leaves the new registration alone.
    watcher.unwatch(dirWatch);
    watcher.unwatch(fileWatch);
    assertEquals(1, watcher.registeredDirectories());
    watcher.unwatch(again);
    assertEquals(0, watcher.registeredDirectories());
  }
}
