package b8g.host.worker;

import b8g.components.Component;
import b8g.components.Limits;
import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.StartComponent;
import b8g.host.worker.wire.Terminate;
import java.io.EOFException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Components that run in one worker process, as the host sees them: started by name, their console
 * lines and ends delivered to a {@link Listener}. A thread reads the worker's frames; a frame about
 * a component this host did not start in this worker, or any garbage, ends the worker. When the
 * worker dies (kill -9, a V8 fatal error, an out-of-memory kill) every component it ran ends as
 * FAILED with the reason: the exit code or signal, and the last lines of the worker's stderr.
 * The host and the other workers go on.
 */
public final class WorkerComponents implements AutoCloseable {
  /** Told of console lines and ends, on the reader thread. */
  public interface Listener {
    void log(String component, String level, String text);

    void exited(String component, Component.ExitStatus status);
  }

  private final WorkerProcess worker;
  private final Listener listener;
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  public WorkerComponents(WorkerProcess worker, Listener listener) {
    this.worker = worker;
    this.listener = listener;
    Thread reader = new Thread(this::read, "b8g-worker-" + worker.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a component in the worker; its end arrives through the listener.
   *
   * @throws WorkerException {@code worker.name} for a name already running there,
   *     {@code worker.oversized} for a script too large for one frame (1 MiB)
   */
  public void start(String name, String script, String scriptName, Limits limits, boolean log) throws IOException {
    if (!running.add(name)) {
      throw new WorkerException("worker.name", "a component named " + name + " runs in worker " + worker.pid() + " already");
    }
    try {
      worker.link().send(Frame.newBuilder().setStartComponent(StartComponent.newBuilder().setName(name)
          .setScript(script).setScriptName(scriptName).setHeapBytes(limits.heapBytes())
          .setCpuMsPerTurn(limits.cpuMillisPerTurn()).setLog(log)));
    } catch (IOException | RuntimeException e) {
      running.remove(name); // it never started
      throw e;
    }
  }

  /** Asks the worker to end {@code name}. */
  public void terminate(String name, String reason) throws IOException {
    worker.link().send(Frame.newBuilder().setTerminate(Terminate.newBuilder().setComponent(name).setReason(reason)));
  }

  public WorkerProcess worker() {
    return worker;
  }

  private void read() {
    String why;
    try {
      while (true) {
        Frame f = worker.link().receive();
        switch (f.getBodyCase()) {
          case LOG -> {
            if (!running.contains(f.getLog().getComponent())) {
              throw forged(f.getLog().getComponent());
            }
            listener.log(f.getLog().getComponent(), f.getLog().getLevel(), f.getLog().getText());
          }
          case EXITED -> {
            var e = f.getExited();
            if (!running.remove(e.getComponent())) {
              throw forged(e.getComponent());
            }
            Component.Outcome outcome;
            try {
              outcome = Component.Outcome.valueOf(e.getOutcome());
            } catch (IllegalArgumentException x) {
              throw new WorkerException("worker.garbage", "worker " + worker.pid() + " reported an end of kind " + e.getOutcome());
            }
            listener.exited(e.getComponent(), new Component.ExitStatus(outcome, e.getCode(), e.getReason()));
          }
          default -> { } // pongs and what a worker may add later
        }
      }
    } catch (EOFException e) {
      why = "the worker closed its link";
    } catch (WorkerException e) {
      why = e.getMessage();
      worker.process().destroyForcibly(); // a worker that broke the protocol is not trusted on
    } catch (IOException e) {
      why = closing ? "the worker was closed" : "the link failed: " + e.getMessage();
    }
    try {
      worker.process().waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String reason = "worker " + worker.pid() + " ended (" + worker.exitReason() + "; " + why + ")";
    for (String name : running) {
      running.remove(name);
      listener.exited(name, new Component.ExitStatus(Component.Outcome.FAILED, 1, reason));
    }
  }

  private WorkerException forged(String name) {
    return new WorkerException("worker.forged", "worker " + worker.pid() + " spoke for component \"" + name
        + "\", which this host does not run there");
  }

  @Override
  public void close() {
    closing = true;
    worker.close();
  }
}
