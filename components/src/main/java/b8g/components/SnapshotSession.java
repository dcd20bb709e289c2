package b8g.components;

import static b8g.components.Protocol.TO_GUEST_PREPARE;

import b8g.capabilities.Capability;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A component parked at a turn boundary ({@link #pause}), the snapshot of its V8 context taken
 * there ({@link #snapshot}), and its going on ({@link #close}). While parked, its thread runs only
 * what is asked through this object. Thread-safe; close is idempotent.
 */
final class SnapshotSession implements Component.Paused {
  private final Conductor conductor;
  private final CountDownLatch parked = new CountDownLatch(1);
  private final LinkedBlockingQueue<Runnable> actions = new LinkedBlockingQueue<>();
  private final Runnable resume = () -> { };
  private boolean cancelled;
  private boolean running;
  private volatile boolean closed;

  private SnapshotSession(Conductor conductor) {
    this.conductor = conductor;
  }

  /** See {@link Component#pause}. */
  static SnapshotSession pause(Conductor conductor, Duration timeout) {
    String name = conductor.name();
    if (conductor.onOwnThread()) {
      throw new ComponentException("snapshot.in_flight", "cannot pause " + name
          + " from inside its own turn: a capability call is in flight; take the snapshot from the host,"
          + " or through the snapshot capability, which waits for the turn to end");
    }
    if (conductor.status() != null) {
      throw new ComponentException("snapshot.ended", name + " has ended (" + conductor.status().reason() + ")");
    }
    SnapshotSession p = new SnapshotSession(conductor);
    conductor.enqueue(rt -> p.park());
    try {
      if (!p.parked.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || conductor.status() != null) {
        if (p.cancel()) {
          throw conductor.status() != null
              ? new ComponentException("snapshot.ended", name + " ended before it could be paused")
              : new ComponentException("snapshot.busy", name + " did not reach a turn boundary within "
                  + timeout.toMillis() + " ms (a long turn is running); try again");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.cancel();
      throw new ComponentException("snapshot.busy", "interrupted while pausing " + name);
    }
    return p;
  }

  /** Runs on the component's thread, inside a turn: parks it until close. */
  private void park() {
    synchronized (this) {
      if (cancelled) {
        return;
      }
      running = true;
    }
    LimitEnforcer limits = conductor.limits();
    // Parked is not running: the CPU watchdog must not count this time.
    limits.endTurn();
    conductor.pausedBy(this);
    parked.countDown();
    try {
      while (true) {
        Runnable a = actions.take();
        if (a == resume) {
          return;
        }
        // An action may run JS (a snapshot's prepare): the CPU watchdog covers it like a turn.
        limits.beginTurn();
        try {
          a.run();
        } finally {
          limits.endTurn();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      conductor.pausedBy(null);
      limits.beginTurn();
    }
  }

  /** True if the park had not begun and now never will. */
  private synchronized boolean cancel() {
    if (running) {
      return false;
    }
    cancelled = true;
    return true;
  }

  @Override
  public Component component() {
    return conductor.component();
  }

  @Override
  public ComponentSnapshot snapshot() {
    return onThread(this::take);
  }

  /** Runs {@code action} on the parked component's thread and returns what it returned. */
  private <T> T onThread(Callable<T> action) {
    String name = conductor.name();
    if (closed) {
      throw new ComponentException("snapshot.ended", "the pause of " + name + " is over");
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    actions.add(() -> {
      try {
        f.complete(action.call());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      }
    });
    try {
      return f.get(Math.max(conductor.context().cpuMillisPerTurn, 1000) + 30_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      conductor.terminate("a snapshot action did not finish");
      throw new ComponentException("snapshot.failed", "taking a snapshot of " + name + " did not finish; the component was terminated");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComponentException("snapshot.failed", "interrupted while taking a snapshot of " + name);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new ComponentException("snapshot.failed", "cannot snapshot " + name + ": " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      actions.add(resume);
    }
  }

  /** On the component's thread, parked at a turn boundary: the snapshot itself. */
  private ComponentSnapshot take() throws JavetException {
    String name = conductor.name();
    if (!conductor.context().snapshottable) {
      throw new ComponentException("snapshot.disabled", name + " was started without snapshots enabled;"
          + " start it snapshottable (Host.Context.snapshots(true), b8g run does by default)");
    }
    GuestEntry guest = conductor.guest();
    LimitEnforcer limits = conductor.limits();
    CapabilityBinder binder = conductor.binder();
    V8Runtime old = conductor.runtime();
    // The heap sample goes first (LimitEnforcer.pauseSampling), and the JS below runs any
    // interrupt still queued.
    limits.pauseSampling(old);
    String why;
    try {
      why = guest.enterString(old, TO_GUEST_PREPARE);
    } catch (JavetException | RuntimeException e) {
      limits.resumeSampling(old);
      throw e;
    }
    if (!why.isEmpty()) {
      limits.resumeSampling(old);
      throw new ComponentException("snapshot.unsupported", "cannot snapshot " + name + ": " + why);
    }
    // Detach: no Java callback, no Java-held reference may be alive for V8's snapshot creator.
    // (TO_GUEST_PREPARE put the entry point back on the global, so the restored runtime can bind it.)
    guest.detach(old);
    old.lowMemoryNotification();
    int refs = old.getReferenceCount();
    int callbacks = old.getCallbackContextCount();
    if (refs > 0 || callbacks > 0) {
      goOn(old);
      throw new ComponentException("snapshot.unsupported", "cannot snapshot " + name + ": the host still holds "
          + refs + " V8 reference(s) and " + callbacks + " callback(s) into it");
    }
    byte[] blob;
    try {
      blob = old.createSnapshot();
    } catch (JavetException e) {
      // Refused before V8 was asked (Javet's own check): the runtime is still usable.
      goOn(old);
      throw new ComponentException("snapshot.unsupported", "cannot snapshot " + name + ": " + e.getMessage(), e);
    }
    // Every blob taken here must carry the read-only heap all isolates of this process share
    // (Engine.ReadOnlyAnchor); one that does not could not be restored here without crashing the
    // process, so it is not continued from (never seen since the anchor exists).
    String mismatch = Engine.blobMismatch(blob, true);
    if (mismatch != null) {
      conductor.closeIsolate(old); // it cannot go on either way
      conductor.stop("could not continue after a snapshot: " + mismatch);
      throw new ComponentException("snapshot.failed", name + " could not continue after its snapshot: " + mismatch);
    }
    // One snapshot per runtime (a second aborts the JVM): go on in a runtime restored from the blob.
    // The spent runtime is closed first: closing it after a runtime was restored from its blob
    // crashed the JVM intermittently (measured here, Javet 5.0.6), closing it before never did.
    Map<String, Capability> held = binder.held();
    conductor.closeIsolate(old); // its state lives on in the blob
    try {
      V8Runtime next = Engine.newRuntime(true, blob);
      conductor.own(next);
      conductor.attach(next);
      binder.rebindAll(next);
    } catch (JavetException | RuntimeException e) {
      conductor.stop("could not continue after a snapshot: " + e.getMessage());
      throw new ComponentException("snapshot.failed", name + " could not continue after its snapshot: " + e.getMessage(), e);
    }
    return new ComponentSnapshot(name, blob, held);
  }

  /** The snapshot did not happen after the views were detached: the same runtime goes on. */
  private void goOn(V8Runtime rt) throws JavetException {
    limits().resumeSampling(rt);
    conductor.attach(rt);
    conductor.binder().rebindAll(rt);
  }

  private LimitEnforcer limits() {
    return conductor.limits();
  }
}
