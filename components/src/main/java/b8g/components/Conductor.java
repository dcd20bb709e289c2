package b8g.components;

import b8g.capabilities.CapabilityTable;
import b8g.components.Component.Context;
import b8g.components.Component.ExitStatus;
import b8g.components.Component.Outcome;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetExecutionException;
import com.caoccao.javet.exceptions.JavetTerminatedException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A component's thread and everything it owns: the queue of turns, the loop, the isolate (the
 * one place that creates, swaps and closes the component's {@code V8Runtime}), how a turn ends,
 * and the component's end. Other threads only post turns, stop the isolate's JS, or wait.
 */
final class Conductor {
  /** One turn of the loop: runs on the component's thread with the isolate. */
  @FunctionalInterface
  interface Task {
    void run(V8Runtime rt) throws JavetException;
  }

  private final Component component;
  private final Context ctx;
  private final CapabilityTable table;
  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private final GuestEntry guest;
  private final CapabilityBinder binder;
  private final Timers timers;
  private final CompressionStreams compression = new CompressionStreams();
  private final LimitEnforcer limits;
  /** Where this thread stores its figures at turn ends, or null. */
  private final ComponentCounters counters;
  private volatile V8Runtime runtime;
  /** Held while another thread stops JS in {@link #runtime}, and while it is taken to be closed. */
  private final Object isolateLock = new Object();
  /** The thread running the loop (its own, or a pooled worker's), set when the loop starts. */
  private volatile Thread thread;
  private volatile String terminationReason;
  private volatile ExitStatus status;
  private ExitStatus requestedExit;
  private volatile SnapshotSession activePause;
  /** The modules whose lines are not the file's own (TypeScript), for {@link #originalPositions}. */
  private final java.util.List<ScriptModule> transformed;

  Conductor(Component component, Context ctx, CapabilityTable table) {
    this.component = component;
    this.ctx = ctx;
    this.table = table;
    this.guest = new GuestEntry(ctx.name);
    this.binder = new CapabilityBinder(component, table, guest, ctx.env, ctx.restoreHeld);
    this.timers = new Timers(this);
    this.limits = new LimitEnforcer(this, new Limits(ctx.heapBytes, ctx.cpuMillisPerTurn), binder::sharedBytes);
    this.transformed = ctx.modules.stream().filter(m -> m.lines() != null).toList();
    this.counters = ctx.counters == null ? null : new ComponentCounters(ctx.counters, this, ctx.heapBytes);
  }

  String name() {
    return ctx.name;
  }

  Component component() {
    return component;
  }

  Context context() {
    return ctx;
  }

  CapabilityTable table() {
    return table;
  }

  GuestEntry guest() {
    return guest;
  }

  CapabilityBinder binder() {
    return binder;
  }

  /** The component's compression engines; only its own thread calls in. */
  CompressionStreams compression() {
    return compression;
  }

  Timers timers() {
    return timers;
  }

  LimitEnforcer limits() {
    return limits;
  }

  Thread thread() {
    return thread;
  }

  ExitStatus status() {
    return status;
  }

  /** Starts the loop: on a pooled isolate if one is ready and the component may use it, else on a thread of its own. */
  void start() {
    Engine.WATCHDOG.watch(limits);
    // A pooled isolate is fresh and not snapshottable: snapshottable and restored ones start cold.
    if (ctx.snapshottable || ctx.restoreBlob != null || !IsolatePool.assign(this)) {
      Thread t = new Thread(() -> run(null), "b8g-" + ctx.name);
      t.setDaemon(true);
      t.start();
    }
  }

  /** Schedules a turn on the component's loop. Ignored once the component has ended. */
  void post(Task task) {
    if (status == null) {
      queue.add(task);
    }
  }

  /** Queues a turn even after the end (a pause must learn that nothing will run it). */
  void enqueue(Task task) {
    queue.add(task);
  }

  /**
   * True when only something outside the component could wake it: it has started, has not
   * ended, runs no turn, has none queued, is not paused and has no pending timer.
   */
  boolean quiet() {
    return status == null && started.getCount() == 0 && runtime != null && !limits.inTurn()
        && queue.isEmpty() && timers.none() && activePause == null;
  }

  boolean awaitStarted(Duration timeout) throws InterruptedException {
    return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  ExitStatus awaitExit(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? status : null;
  }

  /** The host ends the component: a running turn is terminated at once, an idle loop ends before its next turn. */
  void terminate(String reason) {
    if (status != null) {
      return;
    }
    // Also when no turn seems to run: host-driven JS (a snapshot's prepare) must stop too; an
    // idle isolate only carries the flag into the next entry, which ends the component anyway.
    stop(reason);
    SnapshotSession p = activePause;
    if (p != null) {
      p.close();
    }
    queue.add(r -> { });
  }

  /**
   * The one way a component is stopped, by the host or by a limit: the first reason is kept, and
   * the JS running in its isolate is stopped from any thread. Under {@link #isolateLock}, so it
   * never reaches an isolate being closed: a host that terminated a component just as it ended
   * crashed the JVM in {@code terminateExecution} (SIGSEGV, seen in the peer-death soak).
   */
  void stop(String reason) {
    if (terminationReason == null) {
      terminationReason = reason;
    }
    synchronized (isolateLock) {
      V8Runtime rt = runtime;
      if (rt != null) {
        rt.terminateExecution();
      }
    }
  }

  /** Called from JS (through the dispatcher) when main's promise settled. */
  void requestExit(int code, String message) {
    if (requestedExit == null) {
      requestedExit = new ExitStatus(Outcome.EXITED, code, message == null || message.isEmpty() ? (code == 0 ? "exited" : "failed") : originalPositions(message));
    }
  }

  boolean onOwnThread() {
    return Thread.currentThread() == thread;
  }

  void pausedBy(SnapshotSession session) {
    activePause = session;
  }

  V8Runtime runtime() {
    return runtime;
  }

  /** Makes {@code rt} the component's isolate, with the component's limits on it. */
  void own(V8Runtime rt) {
    runtime = rt;
    limits.install(rt);
  }

  /** Binds the prelude's entry point in {@code rt} and attaches a dispatcher for it. */
  void attach(V8Runtime rt) throws JavetException {
    guest.attach(rt, new DispatchAdapter(this, rt));
  }

  /** Takes {@code rt} out of reach of other threads ({@link #stop}), then closes it. */
  void closeIsolate(V8Runtime rt) {
    synchronized (isolateLock) {
      if (runtime == rt) {
        runtime = null;
      }
    }
    try {
      rt.close();
    } catch (JavetException | RuntimeException e) {
      // The isolate is gone either way; nothing the component can observe depends on this.
    }
  }

  /** The component's thread. {@code pooled}: an isolate the pool made ready, or null. */
  void run(GuestEntry.Prepared pooled) {
    thread = Thread.currentThread();
    ExitStatus end;
    try {
      V8Runtime booted = pooled == null ? null : pooled.rt;
      // A snapshottable or restored component makes its own isolate; any other starts from the
      // startup blob (Engine.bootedRuntime), pooled or not.
      boolean own = ctx.snapshottable || ctx.restoreBlob != null;
      V8Runtime rt = booted != null ? booted : own ? Engine.newRuntime(ctx.snapshottable, ctx.restoreBlob) : Engine.bootedRuntime();
      own(rt);
      if (ctx.restoreBlob != null) {
        // Attached inside the turn: whatever runs in the restored context, runs under the CPU watchdog.
        end = turn(r -> {
          attach(r);
          binder.restore(r);
        });
      } else {
        // A snapshottable isolate compiles from source (with the code cache, createSnapshot
        // aborted the JVM here: Javet 5.0.6, V8 14.7).
        if (booted == null && ctx.snapshottable) {
          rt.getExecutor(Engine.bootScript()).setResourceName("b8g:prelude").executeVoid();
        }
        if (pooled != null) {
          guest.adopt(pooled, new DispatchAdapter(this, rt));
        } else {
          attach(rt);
        }
        end = turn(r -> {
          if (ctx.modules.isEmpty()) {
            r.getExecutor(ctx.script).setResourceName(ctx.scriptName).executeVoid();
          } else {
            loadModules(r);
          }
          binder.start(r);
        });
      }
      started.countDown();
      while (end == null) {
        end = turn(queue.take());
      }
    } catch (InterruptedException e) {
      end = new ExitStatus(Outcome.TERMINATED, 137, "interrupted");
    } catch (JavetException | RuntimeException e) {
      end = new ExitStatus(Outcome.FAILED, 1, "could not start: " + e.getMessage());
    }
    finish(end);
  }

  /**
   * Compiles every module of the graph with its own resource name, hands the functions to the
   * prelude's module map, and requires the entry point. A module's function runs only when
   * required, as in Node.
   */
  private void loadModules(V8Runtime rt) throws JavetException {
    for (ScriptModule m : ctx.modules) {
      try (V8Value v = rt.getExecutor(m.wrapped()).setResourceName(m.name()).execute()) {
        guest.enter(rt, Protocol.TO_GUEST_MODULE, m.name(), v, m.encodedRequires());
      }
    }
    guest.enter(rt, Protocol.TO_GUEST_REQUIRE, ctx.modules.get(0).name());
  }

  /**
   * {@code text} with every "file:line:col" of a transformed module (TypeScript) pointing at the
   * original file's line instead of the generated one.
   */
  String originalPositions(String text) {
    if (text == null || transformed.isEmpty() || text.indexOf(':') < 0) {
      return text;
    }
    for (ScriptModule m : transformed) {
      if (!text.contains(m.name() + ":")) {
        continue;
      }
      java.util.regex.Matcher at = java.util.regex.Pattern.compile("(?<![\\w./-])" + java.util.regex.Pattern.quote(m.name()) + ":(\\d+)").matcher(text);
      StringBuilder b = new StringBuilder();
      while (at.find()) {
        at.appendReplacement(b, java.util.regex.Matcher.quoteReplacement(m.name() + ":" + m.originalLine(Integer.parseInt(at.group(1)))));
      }
      text = at.appendTail(b).toString();
    }
    return text;
  }

  /**
   * Runs one turn on the current runtime (a snapshot swaps the runtime between turns); returns
   * the end status if the component ended during it.
   */
  private ExitStatus turn(Task task) {
    if (terminationReason != null) {
      return terminated();
    }
    limits.beginTurn();
    try {
      task.run(runtime);
      V8Runtime rt = runtime;
      if (terminationReason == null && rt != null) {
        limits.afterTurn(rt, guest);
      }
    } catch (JavetException e) {
      return classify(e);
    } catch (RuntimeException e) {
      return new ExitStatus(Outcome.FAILED, 1, "host error: " + e.getMessage());
    } finally {
      limits.endTurn();
      if (counters != null) {
        counters.turnEnded(queue.size());
      }
    }
    return terminationReason != null ? terminated() : requestedExit;
  }

  private ExitStatus terminated() {
    return new ExitStatus(Outcome.TERMINATED, 137, terminationReason == null ? "terminated" : terminationReason);
  }

  private ExitStatus classify(JavetException e) {
    if (e instanceof JavetTerminatedException || terminationReason != null) {
      return terminated();
    }
    if (e instanceof JavetExecutionException x) {
      var err = x.getScriptingError();
      String where = err.getResourceName() == null ? "" : " at " + err.getResourceName() + ":" + err.getLineNumber();
      return new ExitStatus(Outcome.FAILED, 1, originalPositions("uncaught " + err.getMessage() + where));
    }
    return new ExitStatus(Outcome.FAILED, 1, e.getMessage());
  }

  private void finish(ExitStatus end) {
    // Revoke first: nothing the component held stays usable by anyone it passed it to.
    table.revokeAll();
    timers.cancelAll();
    compression.closeAll();
    V8Runtime rt = runtime;
    if (rt != null) {
      // Release the dispatcher's callback context explicitly so none is left for V8's GC.
      guest.detachQuietly(rt);
      closeIsolate(rt);
    } else {
      guest.release();
    }
    runtime = null;
    if (counters != null) {
      counters.ended();
    }
    status = end;
    started.countDown();
    Engine.WATCHDOG.forget(limits);
    done.countDown();
    try {
      ctx.listener.exited(component, end);
    } catch (RuntimeException e) {
      // A listener's failure must not take the host's supervisor down with it.
    }
  }
}
