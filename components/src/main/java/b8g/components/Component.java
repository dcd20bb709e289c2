package b8g.components;

import static b8g.components.Protocol.*;

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
    private long heapBytes = Limits.DEFAULT.heapBytes();
    private long cpuMillisPerTurn = Limits.DEFAULT.cpuMillisPerTurn();
    private final List<EnvEntry> env = new ArrayList<>();
    private HostServices services = HostServices.NONE;
    private Listener listener = (c, s) -> {};
    private boolean snapshottable;
    private byte[] restoreBlob;
    private List<String> restoreHeld = List.of();

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
  private volatile V8Runtime runtime;
  /** Held while another thread stops JS in {@link #runtime}, and while it is taken to be closed. */
  private final Object isolateLock = new Object();
  /** The thread running the loop (its own, or a pooled worker's), set when the loop starts. */
  private volatile Thread thread;
  private volatile long turnStartedNanos;
  private volatile long turnCpuStartNanos;
  private volatile long turns;
  private volatile String terminationReason;
  private volatile ExitStatus status;
  private ExitStatus requestedExit;
  private DispatchAdapter dispatcher;
  private JavetCallbackContext callback;
  /** The prelude's entry point, held only by Java (see {@link #enter}); bound to {@link #runtime}. */
  private V8ValueFunction entry;
  /** Slot -> the name the JS stub knows the capability by (for re-binding after a snapshot). */
  private final Map<Integer, String> slotNames = new ConcurrentHashMap<>();
  private volatile Paused activePause;
  private com.caoccao.javet.interop.callback.IJavetGCCallback gcCallback;
  private final MemoryBudget memory;

  private Component(Context ctx) {
    this.ctx = ctx;
    this.table = new CapabilityTable(ctx.name);
    this.memory = new MemoryBudget(ctx.heapBytes, sharedBytes::get, this::overLimit, this::excuseCpu);
  }

  /**
   * Starts a component on its own thread. Returns at once; start failures (a syntax error, a
   * missing {@code main}) are reported through the listener like any other end.
   */
  public static Component start(Context ctx) {
    Component c = new Component(ctx.conclude());
    LIVE.add(c);
    // A pooled isolate is fresh and not snapshottable: snapshottable and restored ones start cold.
    if (ctx.snapshottable || ctx.restoreBlob != null || !Pool.assign(c)) {
      Thread t = new Thread(() -> c.loop(null), "b8g-" + ctx.name);
      t.setDaemon(true);
      t.start();
    }
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
    Pool.size = isolates;
    Pool.refill();
  }

  /** How many pre-warmed isolates are waiting now. */
  public static int pooledIsolates() {
    return Pool.ready();
  }

  /**
   * Threads that each hold a fresh isolate with the prelude already evaluated, waiting for a
   * component: a start from the pool pays only for the script and {@code main}. The size is the
   * system property {@code b8g.pool.size} (default 2; 0 turns it off); a worker taken is replaced
   * in the background. An idle worker costs about one idle component's memory.
   */
  static final class Pool {
    static volatile int size = Integer.getInteger("b8g.pool.size", 2);
    private static final java.util.concurrent.BlockingQueue<java.util.concurrent.BlockingQueue<Component>> READY =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private static final java.util.concurrent.atomic.AtomicInteger PENDING = new java.util.concurrent.atomic.AtomicInteger();

    private Pool() {}

    /** Hands {@code c} to a waiting worker; false if none is ready. Keeps the pool topped up. */
    static boolean assign(Component c) {
      var worker = READY.poll();
      // Top up a little later, so the new isolate is not built on the core this start needs.
      Engine.SCHEDULER.schedule(Pool::refill, 5, TimeUnit.MILLISECONDS);
      return worker != null && worker.offer(c);
    }

    /** Number of workers ready now (for benchmarks that want a warm pool). */
    static int ready() {
      return READY.size();
    }

    static void refill() {
      while (READY.size() + PENDING.get() < size) {
        PENDING.incrementAndGet();
        Thread t = new Thread(Pool::work, "b8g-pool");
        t.setDaemon(true);
        t.start();
      }
    }

    private static void work() {
      V8Runtime rt;
      try {
        rt = Engine.newRuntime();
        rt.getExecutor(Engine.bootScript(), Engine.bootCache()).setResourceName("b8g:prelude").executeVoid();
      } catch (JavetException | RuntimeException e) {
        PENDING.decrementAndGet();
        return; // components start cold instead
      }
      // Room for one: a component offered before this worker blocks in take() is not lost.
      var handoff = new java.util.concurrent.ArrayBlockingQueue<Component>(1);
      READY.add(handoff);
      PENDING.decrementAndGet();
      try {
        Component c = handoff.take();
        Thread.currentThread().setName("b8g-" + c.name());
        c.loop(rt);
      } catch (InterruptedException e) {
        try {
          rt.close();
        } catch (JavetException ignored) {
          // the process is going away
        }
      }
    }
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

  /** Turns begun so far: unchanged between two looks means nothing of this component ran. */
  public long turns() {
    return turns;
  }

  /**
   * True when only something outside the component could wake it: it has started, has not
   * ended, runs no turn, has none queued, is not paused and has no pending timer. Racy by nature;
   * a caller that concludes anything from it looks again later and compares {@link #turns()}.
   */
  public boolean quiet() {
    return status == null && started.getCount() == 0 && runtime != null && turnStartedNanos == 0
        && queue.isEmpty() && timers.isEmpty() && dueTimers.get() == 0 && activePause == null;
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
    // Also when no turn seems to run: host-driven JS (a snapshot's prepare) must stop too; an
    // idle isolate only carries the flag into the next entry, which ends the component anyway.
    interruptIsolate();
    Paused p = activePause;
    if (p != null) {
      p.close();
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
    post(rt -> enter(rt, TO_GUEST_WAKE, slot));
  }

  /** Delivers a watch event to the callback registered under {@code watchId}. */
  public void deliverWatchEvent(long watchId, String kind, String path) {
    post(rt -> enter(rt, TO_GUEST_WATCH_EVENT, (double) watchId, kind, path));
  }

  /** Tells the component that a child it started has ended. */
  public void deliverChildExit(long childId, ExitStatus s) {
    post(rt -> enter(rt, TO_GUEST_CHILD_EXIT, (double) childId, s.code(), s.reason()));
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
    cap.onRevoke(() -> post(rt -> enter(rt, TO_GUEST_REVOKE, slot)));
    return slot;
  }

  /** The slot was moved to a child: the JS stub stops working, the table forgets the slot. */
  void transferredOut(int slot) {
    table.remove(slot);
    slotNames.remove(slot);
  }

  /** The name the JS stub in {@code slot} is known by, or null. */
  String slotName(int slot) {
    return slotNames.get(slot);
  }

  /**
   * Installs capabilities and describes them for the prelude: one string of length-prefixed fields
   * (name, kind, slot, rights, size, value) per entry. A string, not a V8 object: building an
   * object from Java would run any setter user code put on {@code Object.prototype}. Shared
   * memory is handed over separately, by slot ({@code TO_HOST_BUFFER}), as a return value.
   */
  String installAll(Map<String, Capability> caps, String prefix) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Capability> e : caps.entrySet()) {
      Capability cap = e.getValue();
      int slot = install(cap);
      // Restores re-derive by this name (link:NAME for linked ones, PARENT#MASK for attenuations).
      slotNames.put(slot, prefix + e.getKey());
      describe(b, e.getKey(), slot, cap);
    }
    return b.toString();
  }

  /** Appends the descriptor of a capability installed in {@code slot}. */
  static void describe(StringBuilder b, String name, int slot, Capability cap) {
    String kind = switch (cap.kind()) {
      case REGION -> "region";
      case CHANNEL_READER -> "reader";
      case CHANNEL_WRITER -> "writer";
      case RUN -> "run";
      case WATCH -> "watch";
      case LOG -> "log";
      case SNAPSHOT -> "snapshot";
      default -> throw new ComponentException("capability.kind", "a " + cap.kind() + " capability cannot be placed in env");
    };
    long size = cap.kind() == Capability.Kind.REGION ? cap.target(Region.class).size() : 0;
    describe(b, name, kind, slot, Right.mask(cap.rights()), size, "");
  }

  static void describe(StringBuilder b, String name, String kind, int slot, int rights, long size, String value) {
    for (String f : new String[] {name, kind, Integer.toString(slot), Integer.toString(rights), Long.toString(size), value}) {
      b.append(f.length()).append(':').append(f);
    }
  }

  /** Slots whose memory was handed to JS since the last (re-)binding: each at most once. */
  private final Set<Integer> buffersGiven = ConcurrentHashMap.newKeySet();
  /** Bytes of shared memory handed to JS (not the component's own allocation). */
  private final java.util.concurrent.atomic.AtomicLong sharedBytes = new java.util.concurrent.atomic.AtomicLong();

  /**
   * The shared memory behind a region (read and write rights only) or a channel end, zero copy,
   * once per slot and binding: the prelude can detach the one view it holds on revocation or
   * transfer, so there must be no second one.
   */
  V8ValueArrayBuffer buffer(V8Runtime rt, int slot, Capability cap) throws JavetException {
    if (!buffersGiven.add(slot)) {
      throw new ComponentException("capability.buffer", "the memory of this capability was handed out already");
    }
    ByteBuffer bb = switch (cap.kind()) {
      case REGION -> {
        // Never hand JS memory it may not write (ARCHITECTURE.md): only a read+write holder gets a view.
        if (!cap.has(Right.READ) || !cap.has(Right.WRITE)) {
          throw new ComponentException("capability.rights", "a shared view needs read and write rights; use read(offset, length)");
        }
        yield cap.target(Region.class).byteBuffer();
      }
      case CHANNEL_READER, CHANNEL_WRITER -> cap.target(Ring.class).region().byteBuffer();
      default -> throw new ComponentException("capability.kind", "a " + cap.kind().name().toLowerCase(java.util.Locale.ROOT) + " capability has no memory");
    };
    sharedBytes.addAndGet(bb.capacity());
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
    if (timers.size() + dueTimers.get() >= MAX_TIMERS) {
      throw new ComponentException("range", "too many pending timers (" + MAX_TIMERS + "); clear some first");
    }
    if (millis == 0) {
      // Due at once (setTimeout(fn, 0), a stream yielding its turn): straight onto this
      // component's queue. Through the shared scheduler it cost a thread wake-up per yield, which
      // on a busy machine waits for a core (a quarter of a 64 B stream's throughput).
      dueTimers.incrementAndGet();
      post(rt -> {
        dueTimers.decrementAndGet();
        enter(rt, TO_GUEST_TIMER, id);
      });
      return;
    }
    // A short timer may fire before schedule() returns: its task waits for the entry to be in the
    // map before it removes it, or the entry would stay for ever (and count against the limit).
    synchronized (timers) {
      timers.put(id, Engine.SCHEDULER.schedule(() -> {
        synchronized (timers) {
          timers.remove(id);
        }
        post(rt -> enter(rt, TO_GUEST_TIMER, id));
      }, millis, TimeUnit.MILLISECONDS));
    }
  }

  /** Cancels a timer (clearTimeout): its task leaves the host's scheduler at once. */
  void clearTimer(int id) {
    java.util.concurrent.ScheduledFuture<?> f = timers.remove(id);
    if (f != null) {
      f.cancel(false);
    }
  }

  /** Pending timers per component; each costs a task on the host's shared scheduler. */
  static final int MAX_TIMERS = 10_000;
  private final Map<Integer, java.util.concurrent.ScheduledFuture<?>> timers = new ConcurrentHashMap<>();
  /** Timers due at once, queued as turns and not yet run (they count against MAX_TIMERS too). */
  private final java.util.concurrent.atomic.AtomicInteger dueTimers = new java.util.concurrent.atomic.AtomicInteger();

  // ---- snapshots -----------------------------------------------------------------------------

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
    if (Thread.currentThread() == thread) {
      throw new ComponentException("snapshot.in_flight", "cannot pause " + ctx.name
          + " from inside its own turn: a capability call is in flight; take the snapshot from the host,"
          + " or through the snapshot capability, which waits for the turn to end");
    }
    if (status != null) {
      throw new ComponentException("snapshot.ended", ctx.name + " has ended (" + status.reason() + ")");
    }
    Paused p = new Paused();
    queue.add(rt -> p.park());
    try {
      if (!p.parked.await(timeout.toMillis(), TimeUnit.MILLISECONDS) || status != null) {
        if (p.cancel()) {
          throw status != null
              ? new ComponentException("snapshot.ended", ctx.name + " ended before it could be paused")
              : new ComponentException("snapshot.busy", ctx.name + " did not reach a turn boundary within "
                  + timeout.toMillis() + " ms (a long turn is running); try again");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.cancel();
      throw new ComponentException("snapshot.busy", "interrupted while pausing " + ctx.name);
    }
    return p;
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
  public final class Paused implements AutoCloseable {
    private final CountDownLatch parked = new CountDownLatch(1);
    private final LinkedBlockingQueue<Runnable> actions = new LinkedBlockingQueue<>();
    private final Runnable resume = () -> {};
    private boolean cancelled;
    private boolean running;
    private volatile boolean closed;

    private Paused() {}

    /** Runs on the component's thread, inside a turn: parks it until close. */
    private void park() {
      synchronized (this) {
        if (cancelled) {
          return;
        }
        running = true;
      }
      // Parked is not running: the CPU watchdog must not count this time.
      turnStartedNanos = 0;
      activePause = this;
      parked.countDown();
      try {
        while (true) {
          Runnable a = actions.take();
          if (a == resume) {
            return;
          }
          // An action may run JS (a snapshot's prepare): the CPU watchdog covers it like a turn.
          beginTurn();
          try {
            a.run();
          } finally {
            turnStartedNanos = 0;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        activePause = null;
        beginTurn();
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

    /** The component this pause holds. */
    public Component component() {
      return Component.this;
    }

    /**
     * Takes the component's V8 context. The component then goes on in a runtime restored from
     * the blob just taken, with its capabilities re-bound; its JS sees at most a pause.
     *
     * @throws ComponentException {@code snapshot.disabled} if the component was not started
     *     snapshottable; {@code snapshot.unsupported} if its heap holds what V8 cannot snapshot
     *     (nothing was changed; it goes on); {@code snapshot.failed} if V8 failed after the
     *     point of no return (the component is terminated)
     */
    public ComponentSnapshot snapshot() {
      return onThread(Component.this::takeSnapshot);
    }

    /** Copies the current bytes of {@code region} while parked (for images of live stacks). */
    <T> T onThread(java.util.concurrent.Callable<T> action) {
      if (closed) {
        throw new ComponentException("snapshot.ended", "the pause of " + ctx.name + " is over");
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
        return f.get(Math.max(ctx.cpuMillisPerTurn, 1000) + 30_000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        Component.this.terminate("a snapshot action did not finish");
        throw new ComponentException("snapshot.failed", "taking a snapshot of " + ctx.name + " did not finish; the component was terminated");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ComponentException("snapshot.failed", "interrupted while taking a snapshot of " + ctx.name);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new ComponentException("snapshot.failed", "cannot snapshot " + ctx.name + ": " + e.getCause(), e.getCause());
      }
    }

    /** Lets the component go on. */
    @Override
    public void close() {
      if (!closed) {
        closed = true;
        actions.add(resume);
      }
    }
  }

  /** On the component's thread, parked at a turn boundary. */
  private ComponentSnapshot takeSnapshot() throws JavetException {
    if (!ctx.snapshottable) {
      throw new ComponentException("snapshot.disabled", ctx.name + " was started without snapshots enabled;"
          + " start it snapshottable (Host.Context.snapshots(true), b8g run does by default)");
    }
    V8Runtime old = runtime;
    // The heap-budget callback asks for heap statistics, which Javet answers through an isolate
    // interrupt when the isolate is busy; one landing during createSnapshot crashed the JVM
    // (SIGSEGV, intermittent). So it goes first, and the JS below runs any interrupt still queued.
    old.removeGCEpilogueCallback(gcCallback);
    String why;
    try {
      why = enterString(old, TO_GUEST_PREPARE);
    } catch (JavetException | RuntimeException e) {
      old.addGCEpilogueCallback(gcCallback);
      throw e;
    }
    if (!why.isEmpty()) {
      old.addGCEpilogueCallback(gcCallback);
    }
    if (!why.isEmpty()) {
      throw new ComponentException("snapshot.unsupported", "cannot snapshot " + ctx.name + ": " + why);
    }
    // Detach: no Java callback, no Java-held reference may be alive for V8's snapshot creator.
    // (TO_GUEST_PREPARE put the entry point back on the global, so the restored runtime can bind it.)
    enter(old, TO_GUEST_DETACH);
    releaseEntry();
    old.removeCallbackContext(callback.getHandle());
    callback = null;
    old.lowMemoryNotification();
    int refs = old.getReferenceCount();
    int callbacks = old.getCallbackContextCount();
    if (refs > 0 || callbacks > 0) {
      old.addGCEpilogueCallback(gcCallback);
      attach(old);
      rebindAll(old);
      throw new ComponentException("snapshot.unsupported", "cannot snapshot " + ctx.name + ": the host still holds "
          + refs + " V8 reference(s) and " + callbacks + " callback(s) into it");
    }
    byte[] blob;
    try {
      blob = old.createSnapshot();
    } catch (JavetException e) {
      // Refused before V8 was asked (Javet's own check): the runtime is still usable.
      old.addGCEpilogueCallback(gcCallback);
      attach(old);
      rebindAll(old);
      throw new ComponentException("snapshot.unsupported", "cannot snapshot " + ctx.name + ": " + e.getMessage(), e);
    }
    // Every blob taken here must carry the read-only heap all isolates of this process share
    // (Engine.ReadOnlyAnchor); one that does not could not be restored here without crashing the
    // process, so it is not continued from (never seen since the anchor exists).
    String mismatch = Engine.blobMismatch(blob, true);
    if (mismatch != null) {
      closeIsolate(old); // it cannot go on either way
      overLimit("could not continue after a snapshot: " + mismatch);
      throw new ComponentException("snapshot.failed", ctx.name + " could not continue after its snapshot: " + mismatch);
    }
    // One snapshot per runtime (a second aborts the JVM): go on in a runtime restored from the blob.
    // The spent runtime is closed first: closing it after a runtime was restored from its blob
    // crashed the JVM intermittently (measured here, Javet 5.0.6), closing it before never did.
    Map<String, Capability> held = heldNow();
    closeIsolate(old); // its state lives on in the blob

    try {
      V8Runtime next = Engine.newRuntime(true, blob);
      runtime = next;
      installLimits(next);
      dispatcher = new DispatchAdapter(this, next);
      attach(next);
      rebindAll(next);
    } catch (JavetException | RuntimeException e) {
      overLimit("could not continue after a snapshot: " + e.getMessage());
      throw new ComponentException("snapshot.failed", ctx.name + " could not continue after its snapshot: " + e.getMessage(), e);
    }
    return new ComponentSnapshot(ctx.name, blob, held);
  }

  /**
   * Gives every stub its capability again, by slot, with fresh views of shared memory: after a
   * snapshot (in the runtime restored from it) and when a snapshot attempt failed after the
   * prelude had detached the views for it.
   */
  private void rebindAll(V8Runtime rt) throws JavetException {
    buffersGiven.clear();
    sharedBytes.set(0);
    enter(rt, TO_GUEST_RESTORE_BEGIN);
    List<Capability> slots = table.snapshot();
    for (Map.Entry<Integer, String> e : new java.util.TreeMap<>(slotNames).entrySet()) {
      int slot = e.getKey();
      Capability cap = slot < slots.size() ? slots.get(slot) : null;
      if (cap != null && !cap.revoked()) {
        StringBuilder d = new StringBuilder();
        describe(d, e.getValue(), slot, cap);
        enter(rt, TO_GUEST_REBIND, d.toString(), true);
      }
    }
    enter(rt, TO_GUEST_VALUES, values());
    enter(rt, TO_GUEST_RESUMED, false);
  }

  /** The plain-value grants (link secrets), described for the prelude's value table. */
  private String values() {
    StringBuilder b = new StringBuilder();
    for (EnvEntry v : ctx.env) {
      if (v.capability() == null) {
        describe(b, v.name(), "value", -1, 0, 0, v.value());
      }
    }
    return b.toString();
  }

  /** Capabilities by the names the JS stubs know them by, in slot order. */
  private Map<String, Capability> heldNow() {
    Map<String, Capability> held = new LinkedHashMap<>();
    List<Capability> slots = table.snapshot();
    for (Map.Entry<Integer, String> e : new java.util.TreeMap<>(slotNames).entrySet()) {
      Capability cap = e.getKey() < slots.size() ? slots.get(e.getKey()) : null;
      if (cap != null && !cap.revoked()) {
        held.putIfAbsent(e.getValue(), cap);
      }
    }
    return held;
  }

  /** The first turn of a restored component: re-bind by name what is granted now, then go on. */
  private void restoreTurn(V8Runtime rt) throws JavetException {
    buffersGiven.clear();
    sharedBytes.set(0);
    enter(rt, TO_GUEST_RESTORE_BEGIN);
    Map<String, Capability> granted = new LinkedHashMap<>();
    for (EnvEntry e : ctx.env) {
      if (e.capability() != null) {
        rebind(rt, e.name(), e.capability());
        granted.put(e.name(), e.capability());
      }
    }
    // An attenuated region is re-derived from the region granted now, with the rights it had.
    for (String name : ctx.restoreHeld) {
      int hash = name.lastIndexOf('#');
      Capability parent = hash > 0 ? granted.get(name.substring(0, hash)) : null;
      if (parent != null && parent.kind() == Capability.Kind.REGION) {
        try {
          rebind(rt, name, parent.attenuate(Right.fromMask(Integer.parseInt(name.substring(hash + 1)))));
        } catch (RuntimeException e) {
          // Not derivable any more (rights widened or bad name): it stays unbound and is revoked.
        }
      }
    }
    // Values granted now (a restored context gets the secrets of this host, not the image's).
    enter(rt, TO_GUEST_VALUES, values());
    enter(rt, TO_GUEST_RESUMED, true);
  }

  private void rebind(V8Runtime rt, String name, Capability cap) throws JavetException {
    int slot = install(cap);
    StringBuilder d = new StringBuilder();
    describe(d, name, slot, cap);
    boolean bound = enterBoolean(rt, TO_GUEST_REBIND, d.toString(), false);
    if (bound) {
      // Known by name again, so a snapshot of the restored component re-binds it (rebindAll) and
      // lists it in the image (heldNow); without this a restored one lost every stub to it.
      slotNames.put(slot, name);
    } else {
      // The image held nothing of that name (or of another kind): the grant has no stub to use it.
      table.remove(slot);
      slotNames.remove(slot);
    }
  }

  /** Tells the component how its snapshot request {@code id} ended ({@code error} empty: written). */
  public void snapshotDone(long id, String error) {
    post(rt -> enter(rt, TO_GUEST_SNAPSHOT_DONE, (double) id, error == null ? "" : error));
  }

  // ---- the loop -------------------------------------------------------------------------------

  /** The component's thread. {@code booted}: a pooled isolate with the prelude evaluated, or null. */
  private void loop(V8Runtime booted) {
    thread = Thread.currentThread();
    ExitStatus end;
    try {
      V8Runtime rt = booted != null ? booted : Engine.newRuntime(ctx.snapshottable, ctx.restoreBlob);
      runtime = rt;
      installLimits(rt);
      if (ctx.restoreBlob != null) {
        dispatcher = new DispatchAdapter(this, rt);
        attach(rt);
        end = turn(this::restoreTurn);
        started.countDown();
        while (end == null) {
          end = turn(queue.take());
        }
        finish(runtime, end);
        return;
      }
      // The code cache saves about 1 ms per start; a snapshottable isolate compiles from source
      // (with the cache, createSnapshot aborted the JVM here: Javet 5.0.6, V8 14.7).
      if (booted == null) {
        (ctx.snapshottable ? rt.getExecutor(Engine.bootScript()) : rt.getExecutor(Engine.bootScript(), Engine.bootCache()))
            .setResourceName("b8g:prelude").executeVoid();
      }
      dispatcher = new DispatchAdapter(this, rt);
      attach(rt);
      end = turn(r -> {
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
        StringBuilder descs = new StringBuilder(installAll(caps, ""));
        for (EnvEntry v : values) {
          describe(descs, v.name(), "value", -1, 0, 0, v.value());
        }
        enter(r, TO_GUEST_START, descs.toString());
      });
      started.countDown();
      while (end == null) {
        end = turn(queue.take());
      }
    } catch (InterruptedException e) {
      end = new ExitStatus(Outcome.TERMINATED, 137, "interrupted");
    } catch (JavetException | RuntimeException e) {
      end = new ExitStatus(Outcome.FAILED, 1, "could not start: " + e.getMessage());
    }
    finish(runtime, end);
  }

  /**
   * Runs one turn on the current runtime (a snapshot swaps the runtime between turns); returns
   * the end status if the component ended during it.
   */
  private ExitStatus turn(Task task) {
    if (terminationReason != null) {
      return new ExitStatus(Outcome.TERMINATED, 137, terminationReason);
    }
    beginTurn();
    try {
      task.run(runtime);
      if (terminationReason == null && runtime != null) {
        V8Runtime rt = runtime;
        memory.afterTurn(rt, () -> wasmCommitted(rt));
      }
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
    for (java.util.concurrent.ScheduledFuture<?> t : timers.values()) {
      t.cancel(false);
    }
    timers.clear();
    if (rt != null) {
      try {
        if (callback != null && !rt.isDead()) {
          // Release the dispatcher's callback context explicitly so none is left for V8's GC.
          enter(rt, TO_GUEST_DETACH);
          rt.removeCallbackContext(callback.getHandle());
        }
      } catch (JavetException | RuntimeException e) {
        // The isolate may be terminated; closing it below releases everything anyway.
      }
      releaseEntry();
      closeIsolate(rt);
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
    // Heap and off-heap budgets count what is live after a full GC (MemoryBudget).
    gcCallback = memory.gcCallback(rt);
    rt.addGCEpilogueCallback(gcCallback);
    rt.setNearHeapLimitCallback((current, initial) -> {
      overLimit("heap reached the engine's limit of " + (current >> 20) + " MiB");
      // Room to unwind; the termination stops the component before it uses it.
      return current + (64L << 20);
    });
  }

  /** The memory budget's side of this component (the dispatcher's memory operations use it). */
  MemoryBudget memoryBudget() {
    return memory;
  }

  /** Committed bytes of the component's WebAssembly memories, as its prelude counts them. */
  private long wasmCommitted(V8Runtime rt) throws JavetException {
    Double d = entry(rt).callDouble((V8Value) null, withOp(TO_GUEST_MEMORY, new Object[0]));
    return d == null ? 0 : d.longValue();
  }

  private void overLimit(String reason) {
    if (terminationReason == null) {
      terminationReason = reason;
    }
    interruptIsolate();
  }

  /**
   * Stops the JS running in this component's isolate, from any thread. Under {@link #isolateLock},
   * so it never reaches an isolate being closed: a host that terminated a component just as it
   * ended crashed the JVM in {@code terminateExecution} (SIGSEGV, seen in the peer-death soak).
   */
  private void interruptIsolate() {
    synchronized (isolateLock) {
      V8Runtime rt = runtime;
      if (rt != null) {
        rt.terminateExecution();
      }
    }
  }

  /** Takes {@code rt} out of reach of other threads ({@link #interruptIsolate}), then closes it. */
  private void closeIsolate(V8Runtime rt) {
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

  private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * CPU time the platform spent on this component's thread for itself (a memory budget's full GC)
   * does not count against the turn: its start moves on by that much. Component thread only.
   */
  private void excuseCpu(long nanos) {
    turnCpuStartNanos += nanos;
  }

  /** Marks the start of a turn (or of host-driven JS) for the watchdog: wall clock and thread CPU. */
  private void beginTurn() {
    turns++; // only this component's thread writes it
    turnCpuStartNanos = CPU.getCurrentThreadCpuTime();
    turnStartedNanos = System.nanoTime();
  }

  /**
   * The limit is on CPU time, not wall time: a turn that waits for a core (busy siblings on a
   * small machine) or on the host's output is not the component's fault. Wall time is only a
   * pre-filter, and a backstop at ten times the limit.
   */
  @SuppressWarnings("deprecation") // Thread.getId: threadId() exists only from Java 19
  private static void watchdog() {
    long now = System.nanoTime();
    for (Component c : LIVE) {
      long started = c.turnStartedNanos;
      long limit = TimeUnit.MILLISECONDS.toNanos(c.ctx.cpuMillisPerTurn);
      Thread t = c.thread;
      if (started == 0 || now - started <= limit || t == null) {
        continue;
      }
      long cpu = CPU.getThreadCpuTime(t.getId()) - c.turnCpuStartNanos;
      if (c.turnStartedNanos == started && (cpu > limit || now - started > 10 * limit)) {
        c.overLimit("CPU limit exceeded: a turn ran longer than " + c.ctx.cpuMillisPerTurn + " ms");
      }
    }
  }

  private void attach(V8Runtime rt) throws JavetException {
    if (entry == null || entry.getV8Runtime() != rt) {
      bindEntry(rt);
    }
    callback = new JavetCallbackContext("b8g", JavetCallbackType.DirectCallNoThisAndResult,
        (IJavetDirectCallable.NoThisAndResult<Exception>) dispatcher::dispatch);
    try (V8ValueFunction f = rt.createV8ValueFunction(callback)) {
      enter(rt, TO_GUEST_ATTACH, f);
    }
  }

  /**
   * Calls the prelude's entry point. The function is held only here: the prelude puts it on the
   * global object, {@link #bindEntry} takes it and deletes the global before any user code runs, so
   * a component can never call the host's side of the protocol (re-binding, waking, revoking).
   */
  void enter(V8Runtime rt, int op, Object... args) throws JavetException {
    entry(rt).callVoid((V8Value) null, withOp(op, args));
  }

  private String enterString(V8Runtime rt, int op, Object... args) throws JavetException {
    String s = entry(rt).callString((V8Value) null, withOp(op, args));
    return s == null ? "" : s;
  }

  private boolean enterBoolean(V8Runtime rt, int op, Object... args) throws JavetException {
    return Boolean.TRUE.equals(entry(rt).callBoolean((V8Value) null, withOp(op, args)));
  }

  private V8ValueFunction entry(V8Runtime rt) {
    V8ValueFunction e = entry;
    if (e == null || e.getV8Runtime() != rt) {
      throw new ComponentException("component.entry", ctx.name + ": the host is not bound to this isolate");
    }
    return e;
  }

  /** Takes the prelude's entry point off the global object (see {@link #enter}). */
  private void bindEntry(V8Runtime rt) throws JavetException {
    releaseEntry();
    try (V8ValueGlobalObject global = rt.getGlobalObject()) {
      V8Value v = global.get("__b8g");
      if (!(v instanceof V8ValueFunction f)) {
        v.close();
        throw new ComponentException("component.entry", ctx.name + ": the prelude's entry point is missing");
      }
      entry = f;
      global.delete("__b8g");
    }
  }

  private void releaseEntry() {
    V8ValueFunction e = entry;
    entry = null;
    if (e != null) {
      try {
        e.close();
      } catch (JavetException | RuntimeException ignored) {
        // its isolate is closed already
      }
    }
  }

  private static Object[] withOp(int op, Object[] args) {
    Object[] all = new Object[args.length + 1];
    all[0] = op;
    System.arraycopy(args, 0, all, 1, args.length);
    return all;
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
