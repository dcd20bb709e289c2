package b8g.host.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The host's worker processes: one per process group (a component without a group has a worker of
 * its own), started from a few spare workers kept ready so that a start, or a restart after a
 * worker died, does not wait for a JVM to boot. A group whose worker has died gets a new one on its
 * next start. {@link #close()} says goodbye to every worker. Thread-safe.
 */
public final class WorkerPool implements AutoCloseable {
  /** How long a worker may take to boot and say hello. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /**
   * How long after a spare was taken its replacement starts booting: on a machine of few cores a
   * JVM booting beside it would slow the start that took the spare (measured: about 21 against 38
   * ms for the first start in a warm spare on two cores).
   */
  static final long REFILL_DELAY_MS = 1000;

  private final List<String> command;
  private final int spares;
  private final Map<String, WorkerComponents> groups = new HashMap<>();
  private final Deque<WorkerComponents> ready = new ArrayDeque<>();
  private final List<WorkerComponents> all = new ArrayList<>();
  private final ExecutorService spawner = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "b8g-worker-spawner");
    t.setDaemon(true);
    return t;
  });
  private int spawning;
  private boolean closed;

  /**
   * @param command how to start a worker ({@link WorkerProcess#defaultCommand()})
   * @param spares how many started workers to keep ready (0 or more); the first are started now,
   *     in the background
   */
  public WorkerPool(List<String> command, int spares) {
    if (spares < 0) {
      throw new IllegalArgumentException("spare workers must be 0 or more, not " + spares);
    }
    this.command = List.copyOf(command);
    this.spares = spares;
    synchronized (this) {
      refill(0);
    }
  }

  /**
   * The worker of {@code group}: its live worker, else a spare (another is started in the
   * background), else one started now.
   *
   * @throws WorkerException {@code worker.start} when no worker could be started, {@code
   *     worker.closed} after {@link #close()}
   */
  public WorkerComponents forGroup(String group) {
    WorkerComponents w;
    synchronized (this) {
      checkOpen();
      w = groups.get(group);
      if (w != null && w.alive()) {
        return w;
      }
      groups.remove(group);
      w = takeReady();
      if (w != null) {
        groups.put(group, w);
        refill(REFILL_DELAY_MS); // the start that took it gets the CPU first
        return w;
      }
    }
    w = new WorkerComponents(WorkerProcess.start(command, START_TIMEOUT));
    synchronized (this) {
      if (closed) {
        w.close();
        checkOpen();
      }
      all.add(w);
      WorkerComponents raced = groups.get(group);
      if (raced != null && raced.alive()) {
        ready.addFirst(w); // another start of the group won: keep this one as a spare
        return raced;
      }
      groups.put(group, w);
      return w;
    }
  }

  private WorkerComponents takeReady() {
    while (!ready.isEmpty()) {
      WorkerComponents w = ready.pollFirst();
      if (w.alive()) {
        return w;
      }
    }
    return null;
  }

  /**
   * Starts spares in the background, {@code delayMs} from now, until {@code spares} are ready or
   * starting.
   */
  private void refill(long delayMs) {
    while (!closed && ready.size() + spawning < spares) {
      spawning++;
      spawner.execute(() -> {
        WorkerComponents w = null;
        try {
          Thread.sleep(delayMs);
          if (!isClosed()) {
            w = new WorkerComponents(WorkerProcess.start(command, START_TIMEOUT));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          // No spare now: the next start boots its own worker and reports why it could not.
        }
        synchronized (this) {
          spawning--;
          if (w != null) {
            all.add(w);
            if (closed) {
              w.close();
            } else {
              ready.addLast(w);
            }
          }
          notifyAll();
        }
      });
    }
  }

  /** Waits until every spare asked for is ready (for benchmarks and tests); false on timeout. */
  public synchronized boolean awaitSpares(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (ready.size() < spares) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || closed) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** Process ids of the workers alive now (spares included). */
  public synchronized List<Long> pids() {
    List<Long> out = new ArrayList<>();
    for (WorkerComponents w : all) {
      if (w.alive()) {
        out.add(w.worker().pid());
      }
    }
    return out;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new WorkerException("worker.closed", "the host's workers are closed");
    }
  }

  /** Ends every worker (goodbye, then forcibly after 2 s). Idempotent. */
  @Override
  public void close() {
    List<WorkerComponents> workers;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      workers = new ArrayList<>(all);
      notifyAll();
    }
    spawner.shutdown();
    workers.forEach(WorkerComponents::close);
  }
}
