package b8g.registry;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Moves the blobs of one manifest concurrently (at most {@value #PARALLEL} at a time, the largest
 * first), as skopeo and docker do: a unit's small blobs (its config, manifest file, scripts) then
 * cost no round trips of their own beside its large image, and one blob's fsync overlaps another's
 * transfer.
 *
 * <p>Every transfer runs on one of the batch's threads ({@code b8g-registry-blob-N}); the calling
 * thread only waits for them (joins them), so an interrupt of it is noticed at once. The first
 * failure, or an interrupt of the calling thread, stops the batch: the connections registered
 * through {@link #opened} are closed (a {@link BlobConnection}'s socket, of a download or an
 * upload: it does not notice interrupts; closing it does not block), and every thread still transferring is
 * interrupted, which cancels its {@code HttpClient} request (a {@code HEAD}, {@code POST}, {@code
 * PATCH} or {@code PUT}: see {@link HttpTransport#call}) and ends its body read; a transfer that
 * has not started yet does not start, a download whose body is not all read is not committed (one
 * whose commit had begun when the stop came may still be: whole and verified), a chunked
 * upload sends no chunk again. Returns when every transfer has ended and its thread is gone, so no
 * thread goes on downloading, uploading or committing after it; each blob is stored whole or not at
 * all (a failed transfer removes its temp file) and tags are written only after this returns. The
 * failure thrown is the one that stopped the others (an {@link Error} as it is); after an interrupt,
 * a {@code registry.connection} error saying so, with the interrupt status set again.
 *
 * <p>After an interrupt the wait for the stopped transfers is bounded ({@link #STOP_GRACE_NANOS}):
 * a stopped transfer ends within milliseconds (its connection closed, its request cancelled), but
 * one inside what neither reaches (an fsync of its blob, a disk that stalls a write) would hold the
 * stop as long as the disk does. Past the bound this throws anyway, naming the transfers still
 * running: each ends on its own (a daemon), and a blob one of them still commits is whole and
 * verified but tagged by nobody, as after a failure (gc removes it when nothing refers to it).
 */
final class BlobTransfers {
  static final int PARALLEL = 4;
  /** How long transfers stopped by an interrupt are waited for (see the class comment). */
  static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** The batch the current thread transfers a blob for (none outside {@link #each}). */
  private static final ThreadLocal<Batch> CURRENT = new ThreadLocal<>();

  private BlobTransfers() {}

  /** Transfers in flight together: their threads, their open blob connections, and the failure that stopped them. */
  private static final class Batch {
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> running = new HashSet<>(); // guarded by this
    private volatile boolean stopped;
    private Throwable failure; // guarded by this

    /** Whether the current thread may start a transfer (false once stopped); pair with {@link #leave}. */
    synchronized boolean enter() {
      if (stopped) {
        return false;
      }
      running.add(Thread.currentThread());
      return true;
    }

    /** The current thread's transfer has ended: it is interrupted no more for this batch. */
    void leave() {
      synchronized (this) {
        running.remove(Thread.currentThread());
      }
      Thread.interrupted(); // an interrupt meant for the transfer is not the pool's business
    }

    /** Records {@code e} when it is the first failure (an Error always wins), then stops the batch. */
    void fail(Throwable e) {
      synchronized (this) {
        if (failure == null ? !stopped : (e instanceof Error && !(failure instanceof Error))) {
          failure = e; // after a stop, failures are the stop's consequences
        }
      }
      stop();
    }

    /**
     * Stops the batch: closes the open connections and interrupts the running transfers, outside
     * the lock (taken only to copy them), so that {@link #enter}, {@link #leave} and {@link #fail}
     * never wait for a close. A connection opened after the copy sees {@code stopped} ({@link
     * #opened}); a thread that enters after it is refused.
     */
    void stop() {
      List<Closeable> closing;
      List<Thread> interrupting;
      synchronized (this) {
        stopped = true;
        closing = new ArrayList<>(open);
        interrupting = new ArrayList<>(running);
      }
      for (Closeable c : closing) {
        close(c);
      }
      for (Thread t : interrupting) {
        t.interrupt();
      }
    }

    synchronized Throwable failure() {
      return failure;
    }
  }

  /**
   * Registers a blob connection of the current thread's transfer, to be disconnected if its batch
   * stops; fails (disconnecting it) when the batch has stopped already. Pair with {@link #closed}.
   */
  static void opened(Closeable c, String what) {
    Batch b = CURRENT.get();
    if (b == null) {
      return;
    }
    b.open.add(c);
    if (b.stopped) {
      b.open.remove(c);
      close(c);
      throw new RegistryException(RegistryException.CONNECTION, what + ": stopped, another blob's transfer failed");
    }
  }

  /** Whether the current thread's batch has stopped (a transfer failed, the caller was interrupted): a copy loop ends then. */
  static boolean stopped() {
    Batch b = CURRENT.get();
    return b != null && b.stopped;
  }

  /** Forgets a connection registered by {@link #opened}. */
  static void closed(Closeable c) {
    Batch b = CURRENT.get();
    if (b != null) {
      b.open.remove(c);
    }
  }

  static void each(List<Descriptor> blobs, Consumer<Descriptor> transfer) {
    if (blobs.isEmpty()) {
      return;
    }
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(List.of());
    }
    List<Descriptor> bySize = new ArrayList<>(blobs);
    bySize.sort(Comparator.comparingLong(Descriptor::size).reversed());
    Queue<Descriptor> queue = new ConcurrentLinkedQueue<>(bySize);
    Batch batch = new Batch();
    Runnable worker = () -> {
      CURRENT.set(batch);
      for (Descriptor d; (d = queue.poll()) != null && batch.enter(); ) {
        try {
          transfer.accept(d);
        } catch (RuntimeException | Error e) {
          batch.fail(e);
        } finally {
          batch.leave();
        }
      }
    };
    List<Thread> threads = new ArrayList<>();
    boolean interrupted = false;
    try {
      for (int i = 0; i < Math.min(PARALLEL, bySize.size()); i++) {
        Thread t = new Thread(worker, "b8g-registry-blob-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    } catch (RuntimeException | Error e) { // no thread to be had: stop the ones started, then fail
      batch.fail(e);
    }
    long stopDeadline = 0; // after an interrupt: until when the stopped transfers are waited for
    for (Thread t : threads) {
      if (interrupted) {
        awaitEnd(t, stopDeadline - System.nanoTime());
        continue;
      }
      try {
        t.join();
      } catch (InterruptedException e) {
        // stop the others, and wait (bounded) until they have ended
        interrupted = true;
        stopDeadline = System.nanoTime() + STOP_GRACE_NANOS;
        batch.stop();
        awaitEnd(t, STOP_GRACE_NANOS);
      }
    }
    Throwable first = batch.failure();
    if (interrupted || Thread.currentThread().isInterrupted()) {
      Thread.currentThread().interrupt();
      List<String> running = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
      if (first == null || !running.isEmpty()) {
        throw interrupted(running);
      }
    }
    if (first instanceof RuntimeException re) {
      throw re;
    }
    if (first instanceof Error err) {
      throw err;
    }
  }

  private static void close(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // ending it anyway
    }
  }

  /**
   * Waits for {@code t} to end, at most {@code nanos}, whatever interrupts arrive meanwhile (the
   * interrupt status is set again after one); returns whether it ended. For a wait that a stop must
   * not cut short but that must not outlast a stalled disk either.
   */
  static boolean awaitEnd(Thread t, long nanos) {
    long deadline = System.nanoTime() + nanos;
    boolean interrupted = false;
    try {
      while (t.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedJoin(t, left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RegistryException interrupted(List<String> running) {
    return new RegistryException(RegistryException.CONNECTION,
        "interrupted while moving blobs: every transfer still running was stopped; blobs already stored"
            + " stay (whole and verified), nothing was tagged"
            + (running.isEmpty() ? "" : "; " + running.size() + " transfer(s) had not ended "
                + TimeUnit.NANOSECONDS.toSeconds(STOP_GRACE_NANOS) + " s after the stop (" + String.join(", ", running)
                + ") and end on their own: a blob one of them still stores is whole and verified, and tagged by nobody"));
  }
}
