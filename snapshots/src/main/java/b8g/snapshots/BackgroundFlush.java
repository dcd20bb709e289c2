package b8g.snapshots;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;

/**
 * A {@link FileChannel#force(boolean) force(false)} of an image being written, on a thread of its
 * own, so the region bytes' way to the disk overlaps what the writer does next. The writer either
 * waits for it ({@link #await}) or gives the file up ({@link #abandon}): an fsync cannot be
 * interrupted and closing the channel while it runs would wait for it, so whichever of the flush's
 * end and the abandon comes second closes the channel.
 */
final class BackgroundFlush {
  private final FileChannel ch;
  private final Thread thread;
  private volatile IOException failure;
  private final Object lock = new Object();
  private boolean ended;
  private boolean abandoned;

  private BackgroundFlush(FileChannel ch) {
    this.ch = ch;
    this.thread = new Thread(this::run, "b8g-image-flush");
    thread.setDaemon(true);
  }

  /** Starts flushing {@code ch}. */
  static BackgroundFlush start(FileChannel ch) {
    BackgroundFlush f = new BackgroundFlush(ch);
    f.thread.start();
    return f;
  }

  private void run() {
    try {
      ch.force(false);
    } catch (IOException e) {
      failure = e;
    } finally {
      synchronized (lock) {
        ended = true;
        if (abandoned) {
          closeQuietly(ch);
        }
      }
    }
  }

  /**
   * Waits for the flush; throws what it failed with. An interrupt ends the wait with an
   * {@link InterruptedIOException} and the interrupt status set again; the flush goes on (it
   * writes into nothing the caller owns) until {@link #abandon} closes after it.
   */
  void await() throws IOException {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the region bytes were flushed");
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The file is given up: closes the channel now if the flush has ended, else when it ends. */
  void abandon() {
    boolean closeNow;
    synchronized (lock) {
      abandoned = true;
      closeNow = ended;
    }
    if (closeNow) {
      closeQuietly(ch);
    }
  }

  static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // the file is being thrown away
    }
  }
}
