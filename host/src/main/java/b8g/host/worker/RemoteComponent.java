package b8g.host.worker;

import b8g.components.Component;
import b8g.components.Running;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A component that runs in a worker process, as the host sees it: its name, whether its
 * {@code main} has been called, its end, and terminate. What it says arrives through its
 * {@link Listener} on the worker's reader thread. Thread-safe.
 */
public final class RemoteComponent implements Running {
  /** Told of console lines and of the end (once), on the worker's reader thread. */
  public interface Listener {
    void log(RemoteComponent c, String level, String text);

    void exited(RemoteComponent c, Component.ExitStatus status);
  }

  private final String name;
  private final WorkerComponents worker;
  final Listener listener;
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile Component.ExitStatus status;

  RemoteComponent(String name, WorkerComponents worker, Listener listener) {
    this.name = name;
    this.worker = worker;
    this.listener = listener;
  }

  public String name() {
    return name;
  }

  /** The worker's process id. */
  public long pid() {
    return worker.worker().pid();
  }

  /** How it ended, or null while it runs. */
  public Component.ExitStatus status() {
    return status;
  }

  /** Waits until its main(env) has been called (true) or it ended first or the time passed (false). */
  public boolean awaitStarted(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (started.await(Math.min(10, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS)) {
        return true;
      }
      if (status != null) {
        return started.getCount() == 0;
      }
    }
    return started.getCount() == 0;
  }

  /** Waits for the end; its status, or null if the time passed first. */
  public Component.ExitStatus awaitExit(Duration timeout) throws InterruptedException {
    ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return status;
  }

  /** Asks the worker to end it; if the worker cannot be reached, the worker is ended. */
  public void terminate(String reason) {
    if (status == null) {
      worker.terminate(name, reason);
    }
  }

  void started() {
    started.countDown();
  }

  /** Records the end once and tells the listener; false if it had ended already. */
  boolean end(Component.ExitStatus s) {
    synchronized (this) {
      if (status != null) {
        return false;
      }
      status = s;
    }
    ended.countDown();
    listener.exited(this, s);
    return true;
  }

  @Override
  public String toString() {
    return "RemoteComponent[" + name + " in worker " + pid() + "]";
  }
}
