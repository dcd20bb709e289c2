package b8g.components;

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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
 * another thread); a heap over {@code heapBytes} after a GC, or near V8's own ceiling, is
 * terminated. The host and the other components go on.
 *
 * <p>Thread-safe: {@link #terminate}, {@link #awaitExit} and {@link #post} may be called from any
 * thread; everything touching V8 runs on the component's thread.
 */
public final class Component {
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
    private String name;
    private String script;
    private String scriptName;
    private long heapBytes = 64L << 20;
    private long cpuMillisPerTurn = 1000;
    private final List<EnvEntry> env = new ArrayList<>();
    private HostServices services = HostServices.NONE;
    private Listener listener = (c, s) -> {};

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
      if (heapBytes < (1L << 20) || cpuMillisPerTurn < 1) {
        throw new ComponentException("component.config", "component " + name + ": heap budget must be at least 1 MiB and the CPU limit at least 1 ms");
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

  // Host -> JS operation codes, shared with prelude.js.
  static final int IN_ATTACH = 1;
  static final int IN_DETACH = 2;
  static final int IN_START = 3;
  static final int IN_WAKE = 4;
  static final int IN_REVOKE = 5;
  static final int IN_TIMER = 6;
  static final int IN_WATCH_EVENT = 7;
  static final int IN_CHILD_EXIT = 8;
  static final int IN_TRANSFERRED = 9;

  private static final Set<Component> LIVE = ConcurrentHashMap.newKeySet();

  static {
    // One watchdog for all components: a turn that runs past its component's limit is terminated.
    Engine.SCHEDULER.scheduleAtFixedRate(Component::watchdog, 10, 10, TimeUnit.MILLISECONDS);
  }

  private final Context ctx;
  private final CapabilityTable table;
  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final CountDownLatch done = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private final Thread thread;
  private volatile V8Runtime runtime;
  private volatile long turnStartedNanos;
  private volatile String terminationReason;
  private volatile ExitStatus status;
  private ExitStatus requestedExit;
  private DispatchAdapter dispatcher;
  private JavetCallbackContext callback;

  private Component(Context ctx) {
    this.ctx = ctx;
    this.table = new CapabilityTable(ctx.name);
    this.thread = new Thread(this::loop, "b8g-" + ctx.name);
    this.thread.setDaemon(true);
  }

  /**
   * Starts a component on its own thread. Returns at once; start failures (a syntax error, a
   * missing {@code main}) are reported through the listener like any other end.
   */
  public static Component start(Context ctx) {
    Component c = new Component(ctx.conclude());
    LIVE.add(c);
    c.thread.start();
    return c;
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
    return status;
  }

  /**
   * Waits until {@code main(env)} has been called (its synchronous part has run) or the component
   * ended before that. Returns false on timeout.
   */
  public boolean awaitStarted(Duration timeout) throws InterruptedException {
    return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits for the end; returns null on timeout. */
  public ExitStatus awaitExit(Duration timeout) throws InterruptedException {
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? status : null;
  }

  /**
   * Stops the component: a running turn is terminated at once, an idle loop ends before its next
   * turn. Idempotent.
   */
  public void terminate(String reason) {
    if (status != null) {
      return;
    }
    if (terminationReason == null) {
      terminationReason = reason;
    }
    V8Runtime rt = runtime;
    if (rt != null && turnStartedNanos != 0) {
      rt.terminateExecution();
    }
    queue.add(r -> {});
  }

  /** Schedules a turn on the component's loop. Ignored once the component has ended. */
  void post(Task task) {
    if (status == null) {
      queue.add(task);
    }
  }

  /** Wakes a pending channel operation on {@code slot} (another thread's signal). */
  public void wake(int slot) {
    post(rt -> enter(rt, IN_WAKE, slot));
  }

  /** Delivers a watch event to the callback registered under {@code watchId}. */
  public void deliverWatchEvent(long watchId, String kind, String path) {
    post(rt -> enter(rt, IN_WATCH_EVENT, (double) watchId, kind, path));
  }

  /** Tells the component that a child it started has ended. */
  public void deliverChildExit(long childId, ExitStatus s) {
    post(rt -> enter(rt, IN_CHILD_EXIT, (double) childId, s.code(), s.reason()));
  }

  /**
   * Installs {@code cap} in the table and binds its wake-up hooks to this component. Revoking the
   * capability later detaches the JS views on this component's thread.
   */
  int install(Capability cap) {
    int slot = table.install(cap);
    switch (cap.kind()) {
      case CHANNEL_READER -> cap.target(Ring.class).onReadable(() -> wake(slot));
      case CHANNEL_WRITER -> cap.target(Ring.class).onWritable(() -> wake(slot));
      default -> { }
    }
    cap.onRevoke(() -> post(rt -> enter(rt, IN_REVOKE, slot)));
    return slot;
  }

  /** The slot was moved to a child: the JS stub stops working, the table forgets the slot. */
  void transferredOut(int slot) {
    table.remove(slot);
  }

  /**
   * Installs capabilities and describes them for the prelude: one string of length-prefixed fields
   * (name, kind, slot, rights, size, value) per entry. A string, not a V8 object: building an
   * object from Java would run any setter user code put on {@code Object.prototype}. Shared
   * memory is handed over separately, by slot ({@code OP_BUFFER}), as a return value.
   */
  String installAll(Map<String, Capability> caps) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Capability> e : caps.entrySet()) {
      Capability cap = e.getValue();
      int slot = install(cap);
      String kind = switch (cap.kind()) {
        case REGION -> "region";
        case CHANNEL_READER -> "reader";
        case CHANNEL_WRITER -> "writer";
        case RUN -> "run";
        case WATCH -> "watch";
        case LOG -> "log";
        default -> throw new ComponentException("capability.kind", "a " + cap.kind() + " capability cannot be placed in env");
      };
      long size = cap.kind() == Capability.Kind.REGION ? cap.target(Region.class).size() : 0;
      describe(b, e.getKey(), kind, slot, Right.mask(cap.rights()), size, "");
    }
    return b.toString();
  }

  static void describe(StringBuilder b, String name, String kind, int slot, int rights, long size, String value) {
    for (String f : new String[] {name, kind, Integer.toString(slot), Integer.toString(rights), Long.toString(size), value}) {
      b.append(f.length()).append(':').append(f);
    }
  }

  /** The shared memory behind a region (read and write rights only) or a channel end, zero copy. */
  V8ValueArrayBuffer buffer(V8Runtime rt, Capability cap) throws JavetException {
    ByteBuffer bb = switch (cap.kind()) {
      case REGION -> {
        // Never hand JS memory it may not write (DESIGN.md): only a read+write holder gets a view.
        if (!cap.has(Right.READ) || !cap.has(Right.WRITE)) {
          throw new ComponentException("capability.rights", "a shared view needs read and write rights; use read(offset, length)");
        }
        yield cap.target(Region.class).byteBuffer();
      }
      case CHANNEL_READER, CHANNEL_WRITER -> cap.target(Ring.class).region().byteBuffer();
      default -> throw new ComponentException("capability.kind", "a " + cap.kind().name().toLowerCase(java.util.Locale.ROOT) + " capability has no memory");
    };
    return rt.createV8ValueArrayBuffer(bb);
  }

  HostServices services() {
    return ctx.services;
  }

  /** Called from JS (through the dispatcher) when main's promise settled. */
  void requestExit(int code, String message) {
    if (requestedExit == null) {
      requestedExit = new ExitStatus(Outcome.EXITED, code, message == null || message.isEmpty() ? (code == 0 ? "exited" : "failed") : message);
    }
  }

  /** Called from JS to schedule a timer turn. */
  void scheduleTimer(int id, int millis) {
    Engine.SCHEDULER.schedule(() -> post(rt -> enter(rt, IN_TIMER, id)), millis, TimeUnit.MILLISECONDS);
  }

  // ---- the loop -------------------------------------------------------------------------------

  private void loop() {
    ExitStatus end;
    V8Runtime rt = null;
    try {
      rt = Engine.newRuntime();
      runtime = rt;
      installLimits(rt);
      rt.getExecutor(Engine.bootScript()).setResourceName("b8g:prelude").executeVoid();
      dispatcher = new DispatchAdapter(this, rt);
      attach(rt);
      end = turn(rt, r -> {
        r.getExecutor(ctx.script).setResourceName(ctx.scriptName).executeVoid();
        Map<String, Capability> caps = new java.util.LinkedHashMap<>();
        List<EnvEntry> values = new ArrayList<>();
        for (EnvEntry e : ctx.env) {
          if (e.capability() != null) {
            caps.put(e.name(), e.capability());
          } else {
            values.add(e);
          }
        }
        StringBuilder descs = new StringBuilder(installAll(caps));
        for (EnvEntry v : values) {
          describe(descs, v.name(), "value", -1, 0, 0, v.value());
        }
        try (V8Value main = r.getExecutor("typeof main === 'function' ? main : undefined").setResourceName("b8g:start").execute()) {
          enter(r, IN_START, descs.toString(), main);
        }
      });
      started.countDown();
      while (end == null) {
        Task task = queue.take();
        end = turn(rt, task);
      }
    } catch (InterruptedException e) {
      end = new ExitStatus(Outcome.TERMINATED, 137, "interrupted");
    } catch (JavetException | RuntimeException e) {
      end = new ExitStatus(Outcome.FAILED, 1, "could not start: " + e.getMessage());
    }
    finish(rt, end);
  }

  /** Runs one turn; returns the end status if the component ended during it. */
  private ExitStatus turn(V8Runtime rt, Task task) {
    if (terminationReason != null) {
      return new ExitStatus(Outcome.TERMINATED, 137, terminationReason);
    }
    turnStartedNanos = System.nanoTime();
    try {
      task.run(rt);
    } catch (JavetException e) {
      return classify(e);
    } catch (RuntimeException e) {
      return new ExitStatus(Outcome.FAILED, 1, "host error: " + e.getMessage());
    } finally {
      turnStartedNanos = 0;
    }
    if (terminationReason != null) {
      return new ExitStatus(Outcome.TERMINATED, 137, terminationReason);
    }
    return requestedExit;
  }

  private ExitStatus classify(JavetException e) {
    if (e instanceof JavetTerminatedException || terminationReason != null) {
      return new ExitStatus(Outcome.TERMINATED, 137, terminationReason == null ? "terminated" : terminationReason);
    }
    if (e instanceof JavetExecutionException x) {
      return new ExitStatus(Outcome.FAILED, 1, "uncaught " + jsMessage(x));
    }
    return new ExitStatus(Outcome.FAILED, 1, e.getMessage());
  }

  private static String jsMessage(JavetExecutionException e) {
    var err = e.getScriptingError();
    String where = err.getResourceName() == null ? "" : " at " + err.getResourceName() + ":" + err.getLineNumber();
    return err.getMessage() + where;
  }

  private void finish(V8Runtime rt, ExitStatus end) {
    // Revoke first: nothing the component held stays usable by anyone it passed it to.
    table.revokeAll();
    if (rt != null) {
      try {
        if (callback != null && !rt.isDead()) {
          // Release the dispatcher's callback context explicitly so none is left for V8's GC.
          enter(rt, IN_DETACH);
          rt.removeCallbackContext(callback.getHandle());
        }
      } catch (JavetException | RuntimeException e) {
        // The isolate may be terminated; closing it below releases everything anyway.
      }
      try {
        rt.close();
      } catch (JavetException | RuntimeException e) {
        // The isolate is gone either way; nothing the component can observe depends on this.
      }
    }
    runtime = null;
    status = end;
    started.countDown();
    LIVE.remove(this);
    done.countDown();
    try {
      ctx.listener.exited(this, end);
    } catch (RuntimeException e) {
      // A listener's failure must not take the host's supervisor down with it.
    }
  }

  private void installLimits(V8Runtime rt) {
    // Rejections are the component's business (main's promise carries its outcome); without this
    // callback Javet would log every unhandled rejection as a host warning.
    rt.setPromiseRejectCallback((event, promise, value) -> { });
    rt.addGCEpilogueCallback((type, flags) -> rt.getV8HeapStatistics().thenAccept(s -> {
      if (s.getUsedHeapSize() > ctx.heapBytes) {
        overLimit("heap budget of " + (ctx.heapBytes >> 20) + " MiB exceeded (" + (s.getUsedHeapSize() >> 20) + " MiB in use)");
      }
    }));
    rt.setNearHeapLimitCallback((current, initial) -> {
      overLimit("heap reached the engine's limit of " + (current >> 20) + " MiB");
      // Room to unwind; the termination stops the component before it uses it.
      return current + (64L << 20);
    });
  }

  private void overLimit(String reason) {
    if (terminationReason == null) {
      terminationReason = reason;
    }
    V8Runtime rt = runtime;
    if (rt != null) {
      rt.terminateExecution();
    }
  }

  private static void watchdog() {
    long now = System.nanoTime();
    for (Component c : LIVE) {
      long started = c.turnStartedNanos;
      if (started != 0 && now - started > TimeUnit.MILLISECONDS.toNanos(c.ctx.cpuMillisPerTurn)) {
        c.overLimit("CPU limit exceeded: a turn ran longer than " + c.ctx.cpuMillisPerTurn + " ms");
      }
    }
  }

  private void attach(V8Runtime rt) throws JavetException {
    callback = new JavetCallbackContext("b8g", JavetCallbackType.DirectCallNoThisAndResult,
        (IJavetDirectCallable.NoThisAndResult<Exception>) dispatcher::dispatch);
    try (V8ValueFunction f = rt.createV8ValueFunction(callback)) {
      enter(rt, IN_ATTACH, f);
    }
  }

  /** Calls the prelude's entry point. */
  static void enter(V8Runtime rt, int op, Object... args) throws JavetException {
    Object[] all = new Object[args.length + 1];
    all[0] = op;
    System.arraycopy(args, 0, all, 1, args.length);
    try (V8ValueGlobalObject global = rt.getGlobalObject()) {
      global.invokeVoid("__b8g", all);
    }
  }

  /** One turn of the loop: runs on the component's thread with the isolate. */
  @FunctionalInterface
  interface Task {
    void run(V8Runtime rt) throws JavetException;
  }

  @Override
  public String toString() {
    return "component " + ctx.name;
  }
}
