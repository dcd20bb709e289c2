package b8g.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Moves the blobs of one manifest concurrently (at most {@value #PARALLEL} at a time, the largest
 * first, the largest on the calling thread), as skopeo and docker do: a unit's small blobs (its
 * config, manifest file, scripts) then cost no round trips of their own beside its large image,
 * and one blob's fsync overlaps another's transfer. Returns only when every transfer has ended; the
 * first failure (in the manifest's order) is thrown then. The store stays consistent either way:
 * each blob is stored whole or not at all, and tags are written only after this returns.
 */
final class BlobTransfers {
  static final int PARALLEL = 4;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private BlobTransfers() {}

  static void each(List<Descriptor> blobs, Consumer<Descriptor> transfer) {
    if (blobs.size() <= 1) {
      blobs.forEach(transfer);
      return;
    }
    List<Descriptor> bySize = new ArrayList<>(blobs);
    bySize.sort(Comparator.comparingLong(Descriptor::size).reversed());
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL - 1, bySize.size() - 1), r -> {
      Thread t = new Thread(r, "b8g-registry-blob-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    List<Future<?>> others = new ArrayList<>();
    RuntimeException first = null;
    Descriptor firstFailed = null;
    try {
      for (Descriptor d : bySize.subList(1, bySize.size())) {
        others.add(pool.submit(() -> transfer.accept(d)));
      }
      try {
        transfer.accept(bySize.get(0));
      } catch (RuntimeException e) {
        first = e;
        firstFailed = bySize.get(0);
      }
      for (int i = 0; i < others.size(); i++) {
        try {
          others.get(i).get();
        } catch (java.util.concurrent.ExecutionException e) {
          Descriptor d = bySize.get(i + 1);
          if (first == null || blobs.indexOf(d) < blobs.indexOf(firstFailed)) {
            first = e.getCause() instanceof RuntimeException re ? re
                : new RegistryException(RegistryException.IO, "blob " + d.digest() + ": " + e.getCause(), e.getCause());
            firstFailed = d;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          pool.shutdownNow();
          throw new RegistryException(RegistryException.CONNECTION, "interrupted while moving blobs", e);
        }
      }
    } finally {
      pool.shutdown();
    }
    if (first != null) {
      throw first;
    }
  }
}
