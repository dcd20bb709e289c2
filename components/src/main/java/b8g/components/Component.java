package b8g.components;

import static b8g.components.Protocol.TO_GUEST_CHILD_EXIT;
import static b8g.components.Protocol.TO_GUEST_SNAPSHOT_DONE;
import static b8g.components.Protocol.TO_GUEST_SETTLED;
import static b8g.components.Protocol.TO_GUEST_WAKE;
import static b8g.components.Protocol.TO_GUEST_WATCH_EVENT;

import b8g.capabilities.Capability;
import b8g.capabilities.CapabilityTable;
import b8g.capabilities.Right;
import b8g.memory.Region;
import b8g.memory.Ring;
import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.exceptions.JavetExecutionException;
import com.caoccao.javet.exceptions.JavetTerminatedException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.interop.callback.IJavetDirectCallable;
import com.caoccao.javet.interop.callback.JavetCallbackContext;
import com.caoccao.javet.interop.callback.JavetCallbackType;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.reference.V8ValueArrayBuffer;
import com.caoccao.javet.values.reference.V8ValueFunction;
import com.caoccao.javet.values.reference.V8ValueGlobalObject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One untrusted JavaScript program in its own V8 isolate, on its own thread, with its own event
 * loop. It is started by calling the script's {@code main(env)}, where {@code env} holds exactly
 * the capabilities in {@link Context#env}; it ends when the promise {@code main} returns settles,
 * when it throws, or when the host or a limit terminates it. Either way {@link Listener#exited} is
 * called once, the isolate is closed, and every capability in its table is revoked.
 *
 * <p>Limits: a turn of the loop longer than {@code cpuMillisPerTurn} is terminated (watchdog on
 * another thread); a component that keeps more than {@code heapBytes} of JS heap, or as much
 * again outside it (ArrayBuffers, WebAssembly memory), live after a full GC, or whose heap nears
 * V8's own ceiling, is terminated ({@link MemoryBudget}). The host and the other components go on.
 *
 * <p>Snapshots: a component started with {@link Context#snapshottable} can be paused at a turn
 * boundary ({@link #pause}) and its V8 context taken ({@link Paused#snapshot}); it then goes on in
 * a runtime restored from the blob just taken (V8 allows one snapshot per runtime). A component
 * started with {@link Context#restore} continues from such a blob with the capabilities its
 * context grants it now, re-bound by name. See snapshots/README.md for what survives.
 *
 * <p>Thread-safe: {@link #terminate}, {@link #awaitExit}, {@link #pause} and {@link #post} may be
 * called from any thread; everything touching V8 runs on the component's thread.
 */
public final class Component implements Running {
  /** How a component ended. */
  public enum Outcome {
    /** {@code main} settled: code 0 if it resolved, 1 if it rejected or threw. */
    EXITED,
    /** An uncaught error outside {@code main}'s promise, or a start failure. */
    FAILED,
    /** Stopped by the host or by a limit (heap, CPU). */
    TERMINATED
  }

  /** The end of a component: outcome, exit code, and a one-line reason for people. */
  public record ExitStatus(Outcome outcome, int code, String reason) {
    public boolean success() {
      return outcome == Outcome.EXITED && code == 0;
    }
  }

  /** Told once when a component has ended and its isolate is closed. */
  public interface Listener {
    void exited(Component component, ExitStatus status);
  }

  /** A granted capability, or a plain value (a link secret), under a name in {@code env}. */
  public record EnvEntry(String name, Capability capability, String value) {
    public static EnvEntry of(String name, Capability capability) {
      return new EnvEntry(name, Objects.requireNonNull(capability), null);
    }

    public static EnvEntry value(String name, String value) {
      return new EnvEntry(name, null, Objects.requireNonNull(value));
    }
  }

  /** Configuration; {@link #conclude()} fills defaults and validates. */
  public static final class Context {
    String name;
    String script;
    String scriptName;
    List<ScriptModule> modules = List.of();
    long heapBytes = Limits.DEFAULT.heapBytes();
    long cpuMillisPerTurn = Limits.DEFAULT.cpuMillisPerTurn();
    final List<EnvEntry> env = new ArrayList<>();
    HostServices services = HostServices.NONE;
    Listener listener = (c, s) -> {};
    boolean snapshottable;
    byte[] restoreBlob;
    List<String> restoreHeld = List.of();
    b8g.memory.counters.CounterBlock counters;

    /**
     * Where the component's own thread stores its figures at the end of each turn (line 0 of a
     * {@link b8g.memory.counters.CounterType#COMPONENT} block: turns, CPU, heap and off-heap used
     * and budgets, timers, queued turns): plain release stores, no lock, no system call. Null
     * (the default): no counters.
     */
    public Context counters(b8g.memory.counters.CounterBlock block) {
      counters = block;
      return this;
    }

    public Context name(String v) {
      name = v;
      return this;
    }

    /** The script source: a classic script defining {@code main(env)}. */
    public Context script(String source, String nameForErrors) {
      script = source;
      scriptName = nameForErrors;
      return this;
    }

    /**
     * Run a module graph instead of a classic script: {@code graph.get(0)} is the entry point,
     * required at start; {@code main} is what it exports as {@code main} (or {@code default}, or
     * the exports themselves when they are a function), else a global {@code main} it defined.
     * The graph is frozen: {@code require} finds only these modules. Replaces {@link #script}.
     */
    public Context modules(List<ScriptModule> graph) {
      if (graph.isEmpty()) {
        throw new ComponentException("component.config", "a module graph needs an entry point");
      }
      modules = List.copyOf(graph);
      script = "";
      scriptName = graph.get(0).name();
      return this;
    }

    /** Both limits at once (defaults: {@link Limits#DEFAULT}). */
    public Context limits(Limits v) {
      heapBytes = v.heapBytes();
      cpuMillisPerTurn = v.cpuMillisPerTurn();
      return this;
    }

    public Context heapBytes(long v) {
      heapBytes = v;
      return this;
    }

    public Context cpuMillisPerTurn(long v) {
      cpuMillisPerTurn = v;
      return this;
    }

    public Context grant(EnvEntry entry) {
      env.add(entry);
      return this;
    }

    public Context services(HostServices v) {
      services = v;
      return this;
    }

    public Context listener(Listener v) {
      listener = v;
      return this;
    }

    /**
     * Start the isolate with snapshots enabled, so {@link #pause} and {@link Paused#snapshot} work.
     * Measured here it costs nothing at start, but V8 then leaves WebAssembly and
     * SharedArrayBuffer out of the context. Off by default.
     */
    public Context snapshottable(boolean v) {
      snapshottable = v;
      return this;
    }

    /**
     * Continue from a V8 context blob instead of running the script: the restored component keeps
     * its heap, its pending promises and timers, and gets, by name, the capabilities granted in
     * this context ({@link #grant}); a name it held that is not granted now is revoked in JS.
     * {@code held} is what it held at the snapshot ({@link ComponentSnapshot#held} keys), used to
     * re-derive attenuated regions. The blob must come from a checked source (a validated stack
     * image): V8 itself does not check it. A restored component is snapshottable.
     */
    public Context restore(byte[] blob, Collection<String> held) {
      restoreBlob = Objects.requireNonNull(blob, "blob");
      restoreHeld = List.copyOf(held);
      snapshottable = true;
      if (script == null) {
        script = "";
      }
      return this;
    }

    Context conclude() {
      if (name == null || name.isEmpty()) {
        throw new ComponentException("component.config", "a component needs a name");
      }
      if (script == null) {
        throw new ComponentException("component.config", "component " + name + " has no script");
      }
      if (scriptName == null) {
        scriptName = name + ".js";
      }
      try {
        new Limits(heapBytes, cpuMillisPerTurn);
      } catch (ComponentException e) {
        throw new ComponentException("component.config", "component " + name + ": " + e.getMessage());
      }
      Set<String> seen = new java.util.HashSet<>();
      for (EnvEntry e : env) {
        if (!seen.add(e.name()) || e.name().equals("export") || e.name().equals("link")) {
          throw new ComponentException("component.config", "component " + name + ": env name \"" + e.name() + "\" is used twice or reserved");
        }
      }
      return this;
    }
  }

  private final Context ctx;
  private final CapabilityTable table;
  private final Conductor conductor;

  private Component(Context ctx) {
    this.ctx = ctx;
    this.table = new CapabilityTable(ctx.name);
    this.conductor = new Conductor(this, ctx, table);
  }

  /**
   * Starts a component on its own thread. Returns at once; start failures (a syntax error, a
   * missing {@code main}) are reported through the listener like any other end.
   */
  public static Component start(Context ctx) {
    Component c = new Component(ctx.conclude());
    c.conductor.start();
    return c;
  }

  /**
   * Sets how many pre-warmed isolates wait for components (0 turns the pool off; workers already
   * waiting stay until taken) and starts topping the pool up.
   */
  public static void pool(int isolates) {
    if (isolates < 0) {
      throw new IllegalArgumentException("pool size must not be negative");
    }
    IsolatePool.size = isolates;
    IsolatePool.refill();
  }

  /** How many pre-warmed isolates are waiting now. */
  public static int pooledIsolates() {
    return IsolatePool.ready();
  }

  public String name() {
    return ctx.name;
  }

  /** The component's c-list. The host installs capabilities here before or while it runs. */
  public CapabilityTable table() {
    return table;
  }

  /** The status once ended, else null. */
  public ExitStatus status() {
    return conductor.status();
  }

  /** Turns begun so far: unchanged between two looks means nothing of this component ran. */
  public long turns() {
    return conductor.limits().turns();
  }

  /**
   * True when only something outside the component could wake it: it has started, has not
   * ended, runs no turn, has none queued, is not paused and has no pending timer. Racy by nature;
   * a caller that concludes anything from it looks again later and compares {@link #turns()}.
   */
  public boolean quiet() {
    return conductor.quiet();
  }

  /**
   * Waits until {@code main(env)} has been called (its synchronous part has run) or the component
   * ended before that. Returns false on timeout.
   */
  public boolean awaitStarted(Duration timeout) throws InterruptedException {
    return conductor.awaitStarted(timeout);
  }

  /** Waits for the end; returns null on timeout. */
  public ExitStatus awaitExit(Duration timeout) throws InterruptedException {
    return conductor.awaitExit(timeout);
  }

  /**
   * Stops the component: a running turn is terminated at once, an idle loop ends before its next
   * turn. Idempotent.
   */
  public void terminate(String reason) {
    conductor.terminate(reason);
  }

  /** Wakes a pending channel operation on {@code slot} (another thread's signal). */
  public void wake(int slot) {
    conductor.post(rt -> conductor.guest().enter(rt, TO_GUEST_WAKE, slot));
  }

  /** Delivers a watch event to the callback registered under {@code watchId}. */
  public void deliverWatchEvent(long watchId, String kind, String path) {
    conductor.post(rt -> conductor.guest().enter(rt, TO_GUEST_WATCH_EVENT, (double) watchId, kind, path));
  }

  /** Tells the component that a child it started has ended. */
  public void deliverChildExit(long childId, ExitStatus s) {
    conductor.post(rt -> conductor.guest().enter(rt, TO_GUEST_CHILD_EXIT, (double) childId, s.code(), s.reason()));
  }

  /** Tells the component how its snapshot request {@code id} ended ({@code error} empty: written). */
  public void snapshotDone(long id, String error) {
    conductor.post(rt -> conductor.guest().enter(rt, TO_GUEST_SNAPSHOT_DONE, (double) id, error == null ? "" : error));
  }

  /**
   * Runs {@code task} on this component's thread after every turn queued before it (a revocation's
   * detaching of shared views among them); never if the component has ended by then. What frees
   * memory a revoked stub viewed waits for this, or for the component's end.
   */
  public void afterQueuedTurns(Runnable task) {
    conductor.post(rt -> task.run());
  }

  /**
   * Settles the component's asynchronous request {@code id} (a file open, a network operation):
   * installs {@code caps} in its c-list, in order (their names prefixed by {@code prefix}), then
   * hands the prelude their records followed by {@code fields}. {@code errorCode} non-null: the
   * request failed with that code and {@code errorMessage}, and {@code caps} must be empty.
   * Ignored once the component has ended: whoever made {@code caps} releases them then.
   */
  public void settle(long id, String prefix, Map<String, Capability> caps, List<String> fields, String errorCode,
      String errorMessage) {
    conductor.post(rt -> {
      StringBuilder error = new StringBuilder();
      if (errorCode != null) {
        Protocol.Fields.append(error, errorCode);
        Protocol.Fields.append(error, errorMessage == null ? errorCode : errorMessage);
      }
      StringBuilder result = new StringBuilder();
      Protocol.Fields.append(result, caps.isEmpty() ? "" : conductor.binder().installAll(caps, prefix));
      for (String f : fields) {
        Protocol.Fields.append(result, f);
      }
      conductor.guest().enter(rt, TO_GUEST_SETTLED, (double) id, error.toString(), result.toString());
    });
  }

  /**
   * Parks the component at its next turn boundary (the current turn and its microtasks finish
   * first; nothing of its JS runs until {@link Paused#close}). Channel peers and region sharers
   * go on; pause them too for a consistent copy of what they share.
   *
   * @throws ComponentException {@code snapshot.in_flight} when called from the component's own
   *     thread (a capability call is in flight: the turn cannot end under it);
   *     {@code snapshot.busy} when no turn boundary came within {@code timeout};
   *     {@code snapshot.ended} when the component has ended
   */
  public Paused pause(Duration timeout) {
    return SnapshotSession.pause(conductor, timeout);
  }

  /** Pauses, takes the V8 context and resumes: {@link #pause} then {@link Paused#snapshot}. */
  public ComponentSnapshot snapshot(Duration timeout) {
    try (Paused p = pause(timeout)) {
      return p.snapshot();
    }
  }

  /**
   * A component parked at a turn boundary. {@link #close} lets it go on; until then its thread
   * runs only what is asked through this object. Thread-safe; close is idempotent.
   */
  public interface Paused extends AutoCloseable {
    /** The component this pause holds. */
    Component component();

    /**
     * Takes the component's V8 context. The component then goes on in a runtime restored from
     * the blob just taken, with its capabilities re-bound; its JS sees at most a pause.
     *
     * @throws ComponentException {@code snapshot.disabled} if the component was not started
     *     snapshottable; {@code snapshot.unsupported} if its heap holds what V8 cannot snapshot
     *     (nothing was changed; it goes on); {@code snapshot.failed} if V8 failed after the
     *     point of no return (the component is terminated)
     */
    ComponentSnapshot snapshot();

    /** Lets the component go on. */
    @Override
    void close();
  }

  /** The component's thread and state (package: the dispatcher and the other parts reach it here). */
  Conductor conductor() {
    return conductor;
  }

  HostServices services() {
    return ctx.services;
  }

  @Override
  public String toString() {
    return "component " + ctx.name;
  }
}
