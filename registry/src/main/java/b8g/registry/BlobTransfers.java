package b8g.registry;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Moves the blobs of one manifest concurrently (at most {@value #PARALLEL} at a time, the largest
 * first, the largest on the calling thread), as skopeo and docker do: a unit's small blobs (its
 * config, manifest file, scripts) then cost no round trips of their own beside its large image,
 * and one blob's fsync overlaps another's transfer.
 *
 * <p>The first failure (or an interrupt of the calling thread) stops the others: the blob
 * connections they registered through {@link #opened} are disconnected (the JDK's {@link
 * HttpURLConnection} does not notice interrupts), and a transfer that has not started yet fails
 * at its first {@link #opened}. Returns only when every transfer has ended, so no thread goes on
 * downloading, uploading or committing after it; each blob is stored whole or not at all (a failed
 * transfer removes its temp file) and tags are written only after this returns. The failure
 * thrown is the one that stopped the others; an {@link Error} is thrown as it is.
 */
final class BlobTransfers {
  static final int PARALLEL = 4;
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** The batch the current thread transfers a blob for (none outside {@link #each}). */
  private static final ThreadLocal<Batch> CURRENT = new ThreadLocal<>();

  private BlobTransfers() {}

  /** Transfers in flight together: their open connections, and whether one failed. */
  private static final class Batch {
    private final Set<HttpURLConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    void stop() {
      stopped = true;
      for (HttpURLConnection c : open) {
        c.disconnect();
      }
    }
  }

  /**
   * Registers a blob connection of the current thread's transfer, to be disconnected if another
   * transfer of its batch fails; fails (disconnecting it) when the batch has stopped already. Pair
   * with {@link #closed}.
   */
  static void opened(HttpURLConnection c, String what) {
    Batch b = CURRENT.get();
    if (b == null) {
      return;
    }
    b.open.add(c);
    if (b.stopped) {
      b.open.remove(c);
      c.disconnect();
      throw new RegistryException(RegistryException.CONNECTION, what + ": stopped, another blob's transfer failed");
    }
  }

  /** Whether the current thread's batch has stopped (another transfer failed): a copy loop ends then. */
  static boolean stopped() {
    Batch b = CURRENT.get();
    return b != null && b.stopped;
  }

  /** Forgets a connection registered by {@link #opened}. */
  static void closed(HttpURLConnection c) {
    Batch b = CURRENT.get();
    if (b != null) {
      b.open.remove(c);
    }
  }

  static void each(List<Descriptor> blobs, Consumer<Descriptor> transfer) {
    if (blobs.size() <= 1) {
      blobs.forEach(transfer);
      return;
    }
    List<Descriptor> bySize = new ArrayList<>(blobs);
    bySize.sort(Comparator.comparingLong(Descriptor::size).reversed());
    Batch batch = new Batch();
    Object lock = new Object();
    Throwable[] first = new Throwable[1];
    Consumer<Descriptor> run = d -> {
      CURRENT.set(batch);
      try {
        transfer.accept(d);
      } catch (RuntimeException | Error e) {
        synchronized (lock) {
          if (first[0] == null) {
            first[0] = e;
          }
        }
        batch.stop();
      } finally {
        CURRENT.remove();
      }
    };
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL - 1, bySize.size() - 1), r -> {
      Thread t = new Thread(r, "b8g-registry-blob-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    List<Future<?>> others = new ArrayList<>();
    boolean interrupted = false;
    try {
      for (Descriptor d : bySize.subList(1, bySize.size())) {
        others.add(pool.submit(() -> run.accept(d)));
      }
      run.accept(bySize.get(0));
      for (Future<?> f : others) {
        while (true) {
          try {
            f.get();
            break;
          } catch (ExecutionException e) {
            break; // run catches what a transfer throws; nothing else is thrown there
          } catch (InterruptedException e) {
            // stop the others, and still wait until they have ended: none outlives this call
            interrupted = true;
            batch.stop();
          }
        }
      }
    } finally {
      pool.shutdown();
    }
    if (interrupted || Thread.currentThread().isInterrupted()) {
      Thread.currentThread().interrupt();
      if (first[0] == null) {
        throw new RegistryException(RegistryException.CONNECTION, "interrupted while moving blobs; nothing more was stored");
      }
    }
    synchronized (lock) {
      if (first[0] instanceof RuntimeException re) {
        throw re;
      }
      if (first[0] instanceof Error err) {
        throw err;
      }
    }
  }
}
