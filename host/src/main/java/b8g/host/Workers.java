package b8g.host;

import b8g.components.Component.EnvEntry;
import b8g.components.Component.ExitStatus;
import b8g.components.ComponentException;
import b8g.components.Running;
import b8g.host.manifest.ComponentSpec;
import b8g.host.worker.RemoteComponent;
import b8g.host.worker.WorkerPool;
import b8g.host.worker.WorkerProcess;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The host's manifest components that run in worker processes: starts one in its group's worker
 * with its env, routes its console lines to the console sink and its end to supervision. The pool
 * of workers is opened on the first start (a host with no such component starts no worker).
 * Thread-safe.
 */
final class Workers implements AutoCloseable {
  private final ComponentFactory factory;
  private final ConsoleSink console;
  private final int spares;
  private WorkerPool pool;
  private boolean closed;

  /** Where a worker's component writes its figures (a shared block per component), or nothing. */
  private final HostCounters counters;

  Workers(ComponentFactory factory, ConsoleSink console, int spares, HostCounters counters) {
    this.counters = counters;
    this.factory = factory;
    this.console = console;
    this.spares = spares;
  }

  /** Opens the pool now, so that its spare workers boot while the host opens. */
  synchronized void open() {
    if (pool == null && !closed) {
      pool = new WorkerPool(WorkerProcess.defaultCommand(), spares);
    }
  }

  /**
   * Starts {@code spec} in the worker of {@code group} with exactly {@code env}.
   *
   * @throws ComponentException {@code component.start} when it could not be handed to a worker
   */
  RemoteComponent start(String group, ComponentSpec spec, List<EnvEntry> env, BiConsumer<Running, ExitStatus> ended) {
    WorkerPool p;
    synchronized (this) {
      open();
      p = pool;
    }
    if (p == null) {
      throw new ComponentException("component.start", spec.name() + ": the host is closing");
    }
    RemoteComponent.Listener listener = new RemoteComponent.Listener() {
      @Override
      public void log(RemoteComponent c, String level, String text) {
        console.log(c, c.name(), level, text);
      }

      @Override
      public void exited(RemoteComponent c, ExitStatus status) {
        ended.accept(c, status);
      }
    };
    try {
      // The host reads the module graph: confinement to the manifest's directory stays in one place.
      return p.forGroup(group).start(spec.name(), factory.source(spec),
          factory.scriptName(spec.script()), factory.modules(spec), spec.limits(), env, counters.workerBlock(spec.name()), listener);
    } catch (ComponentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ComponentException("component.start", spec.name() + ": could not start in a worker process: " + e.getMessage(), e);
    }
  }

  /** The worker process of {@code i}, or 0 when it runs in this JVM (or is null). */
  long pidOf(Running i) {
    return i instanceof RemoteComponent r ? r.pid() : 0;
  }

  /** Process ids of the workers alive now. */
  synchronized List<Long> pids() {
    return pool == null ? List.of() : pool.pids();
  }

  @Override
  public void close() {
    WorkerPool p;
    synchronized (this) {
      closed = true;
      p = pool;
    }
    if (p != null) {
      p.close();
    }
  }
}
