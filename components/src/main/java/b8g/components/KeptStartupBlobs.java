package b8g.components;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the directory of kept startup blobs ({@code startup-<key>.blob} beside the native
 * library, about 930 KiB each; see {@link Engine#startupBlob}) from growing forever: every other
 * boot script, V8, Javet, flag set or ABI has its own key and leaves its own file behind.
 *
 * <p>Contract of {@link #tidy}: called when a process has used (read) or written its blob ({@link
 * Engine.StartupBlob} does it off the start path, {@link #tidyInBackground}). The
 * blob in use has its modification time set to now when it is older than {@link #REFRESH_AFTER},
 * so a blob some process starts from is never old (and is written to at most once a day). Every
 * other file in the same directory whose name is exactly {@code startup-} + 32 lower-case hex
 * digits + {@code .blob}, that is a regular file (checked without following links), and that was
 * last modified before {@link #UNUSED_FOR} ago is removed. Nothing else is touched: no symbolic
 * link (nor what it points to), no directory, no other name (a stray {@code .part} file of a
 * write that failed included). Nothing here throws: a failure only leaves a file where it is, and
 * a process never fails to start because of it. Two processes tidying at once is harmless (a file
 * already removed is skipped).
 */
final class KeptStartupBlobs {
  /** A kept blob no process has used for this long is removed. */
  static final Duration UNUSED_FOR = Duration.ofDays(7);

  /** The blob in use has its modification time refreshed when it is older than this. */
  static final Duration REFRESH_AFTER = Duration.ofDays(1);

  private static final String PREFIX = "startup-";
  private static final String SUFFIX = ".blob";
  private static final int KEY_DIGITS = 32;

  private KeptStartupBlobs() {}

  /**
   * Whether {@code name} is exactly a name {@link Engine.StartupBlob} gives kept blobs: {@code
   * startup-}, 32 lower-case hex digits, {@code .blob}. (No regular expression: this runs on the
   * first component's start, where compiling one cost milliseconds in a fresh process.)
   */
  static boolean isKeptBlobName(String name) {
    if (name.length() != PREFIX.length() + KEY_DIGITS + SUFFIX.length()
        || !name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < PREFIX.length() + KEY_DIGITS; i++) {
      char c = name.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** The background tidies not yet ended (each removes itself). */
  private static final Set<Thread> RUNNING = ConcurrentHashMap.newKeySet();

  /**
   * {@link #tidy} on a daemon thread of its own, so a component's start does not wait for it (in a
   * fresh process its first run cost several milliseconds of class loading and file system calls).
   */
  static void tidyInBackground(Path current) {
    Thread t = new Thread(() -> {
      try {
        tidy(current, Instant.now());
      } finally {
        RUNNING.remove(Thread.currentThread());
      }
    }, "b8g-tidy-startup-blobs");
    t.setDaemon(true);
    RUNNING.add(t);
    try {
      t.start();
    } catch (RuntimeException | OutOfMemoryError e) {
      RUNNING.remove(t); // no thread to spare: the directory is tidied by a later process
    }
  }

  /** Waits for every {@link #tidyInBackground} started before this call to end (tests). */
  static void awaitBackground() throws InterruptedException {
    for (Thread t : List.copyOf(RUNNING)) {
      t.join();
    }
  }

  /** See the class contract. {@code current}: the file this process read its blob from or wrote it to. */
  static void tidy(Path current, Instant now) {
    try {
      refresh(current, now);
      Path dir = current.toAbsolutePath().getParent();
      if (dir != null) {
        removeUnused(dir, current.getFileName(), now);
      }
    } catch (RuntimeException e) {
      // Never fail a start for housekeeping (a SecurityException, an odd file system).
    }
  }

  /** Sets {@code current}'s modification time to {@code now} when it is older than {@link #REFRESH_AFTER}. */
  static void refresh(Path current, Instant now) {
    try {
      BasicFileAttributes a = Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(now.minus(REFRESH_AFTER))) {
        Files.getFileAttributeView(current, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(FileTime.from(now), null, null);
      }
    } catch (IOException | RuntimeException e) {
      // Not refreshed: at worst another process removes it after a week and it is made again.
    }
  }

  /**
   * Removes the kept blobs in {@code dir} but {@code keep} last modified before {@link
   * #UNUSED_FOR} ago; returns how many were removed. {@code dir} itself must not be a link.
   */
  static int removeUnused(Path dir, Path keep, Instant now) {
    int removed = 0;
    Instant before = now.minus(UNUSED_FOR);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        Path name = p.getFileName();
        if (name == null || name.equals(keep) || !isKeptBlobName(name.toString())) {
          continue;
        }
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          // Files.delete removes a link itself, never its target; links are skipped all the same.
          if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(before)) {
            Files.delete(p);
            removed++;
          }
        } catch (IOException | RuntimeException e) {
          // Gone already (another process tidied), or not ours to remove: left.
        }
      }
    } catch (IOException | RuntimeException e) {
      // The directory cannot be listed: nothing removed.
    }
    return removed;
  }
}
