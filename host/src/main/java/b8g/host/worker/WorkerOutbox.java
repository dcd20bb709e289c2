package b8g.host.worker;

import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Wake;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The host's frames to one worker, written by a thread of their own so that no caller ever blocks
 * on a worker: a ring's wake-up hook runs on a component's thread (or the reader thread of another
 * worker), and {@link b8g.memory.Ring#onReadable} asks for a hook that never blocks.
 *
 * <p>Wake-ups are coalesced (one pending per memory and end: a peer woken twice wakes once), so
 * they cannot pile up. Other frames (starts, terminations, revocations) are few; more than
 * {@link #MAX_QUEUED} waiting, or one write that has not finished after {@link #STALL}, means the
 * worker has stopped reading its link: {@code onStall} is told once, with why, and ends it.
 * Thread-safe.
 */
final class WorkerOutbox {
  /** Frames other than wake-ups that may wait for a worker before it counts as stalled. */
  static final int MAX_QUEUED = 4096;
  /** How long one write to a worker may take before it counts as stalled. */
  static final Duration STALL = Duration.ofSeconds(10);

  private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "b8g-worker-stall-watch");
    t.setDaemon(true);
    return t;
  });

  /** Told once that the worker stopped reading, with why; it ends the worker. */
  interface Stall {
    void stalled(String why);
  }

  private final FrameChannel link;
  private final Stall onStall;
  private final ArrayDeque<Frame.Builder> queue = new ArrayDeque<>();
  /** Pending wake-ups: {@code memory id << 1 | (reader ? 1 : 0)}. Guarded by this. */
  private final Set<Long> wakes = new LinkedHashSet<>();
  private final ScheduledFuture<?> watch;
  private volatile long writingSince;
  private boolean busy;
  private boolean closed;
  private boolean stalled;

  WorkerOutbox(FrameChannel link, String name, Stall onStall) {
    this.link = link;
    this.onStall = onStall;
    Thread t = new Thread(this::run, "b8g-worker-outbox-" + name);
    t.setDaemon(true);
    t.start();
    watch = WATCH.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
  }

  /** Queues {@code f}; never blocks. Dropped once the outbox is closed or the worker stalled. */
  void send(Frame.Builder f) {
    String why = null;
    synchronized (this) {
      if (closed || stalled) {
        return;
      }
      if (queue.size() >= MAX_QUEUED) {
        why = "worker.stalled: " + MAX_QUEUED + " frames wait for it; it does not read its link";
      } else {
        queue.addLast(f);
        notifyAll();
      }
    }
    if (why != null) {
      stall(why);
    }
  }

  /** Queues a wake-up of the reading ({@code reader}) or writing end of memory {@code id}; never blocks. */
  synchronized void wake(int id, boolean reader) {
    if (!closed && !stalled && wakes.add(((long) id << 1) | (reader ? 1 : 0))) {
      notifyAll();
    }
  }

  private void run() {
    try {
      while (true) {
        List<Frame.Builder> out = new ArrayList<>();
        synchronized (this) {
          while (queue.isEmpty() && wakes.isEmpty() && !closed) {
            wait();
          }
          if (queue.isEmpty() && wakes.isEmpty()) {
            return; // closed and drained
          }
          // Frames first, in order (a start that grants memory goes before a wake-up of it).
          out.addAll(queue);
          queue.clear();
          for (long w : wakes) {
            out.add(Frame.newBuilder().setWake(Wake.newBuilder().setMemory((int) (w >>> 1)).setReader((w & 1) != 0)));
          }
          wakes.clear();
          busy = true;
        }
        try {
          for (Frame.Builder f : out) {
            writingSince = System.nanoTime();
            link.send(f);
          }
        } finally {
          writingSince = 0;
          synchronized (this) {
            busy = false;
            notifyAll();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The worker is gone or the link was closed: its reader thread reports why.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      synchronized (this) {
        closed = true;
        queue.clear();
        wakes.clear();
        notifyAll();
      }
      watch.cancel(false);
    }
  }

  private void check() {
    long since = writingSince;
    if (since != 0 && System.nanoTime() - since > STALL.toNanos()) {
      stall("worker.stalled: a write to it has not finished in " + STALL.toSeconds() + " s; it does not read its link");
    }
  }

  private void stall(String why) {
    synchronized (this) {
      if (stalled) {
        return;
      }
      stalled = true;
    }
    watch.cancel(false);
    onStall.stalled(why);
  }

  /**
   * Stops taking frames, waits at most {@code timeout} for those queued to be written; true if
   * they were.
   */
  boolean close(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      closed = true;
      notifyAll();
      while (busy || !queue.isEmpty() || !wakes.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
    watch.cancel(false);
    return true;
  }
}
