package b8g.host;

import b8g.capabilities.Capability;
import b8g.capabilities.CapabilityException;
import b8g.components.Component;
import b8g.components.Component.ExitStatus;
import b8g.components.Running;
import b8g.errors.B8gException;
import b8g.host.io.Stdio;
import b8g.host.manifest.ComponentSpec;
import b8g.host.manifest.GrantSpec;
import b8g.host.manifest.IsolationRules;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.ManifestLoader;
import b8g.host.manifest.schema.HostCapability;
import b8g.host.manifest.schema.Isolation;
import b8g.host.net.NetService;
import b8g.host.services.Service;
import b8g.host.services.ServiceHub;
import b8g.memory.Region;
import b8g.memory.Ring;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The process that owns all authority: it loads a manifest, creates the handles, starts the
 * components with exactly their grants, supervises them (restart policy), serves their host
 * capabilities (run, watch, export/link, log, snapshot) and, on {@link #close()}, closes every
 * isolate and releases every byte of off-heap memory (non-persistent /dev/shm files are removed).
 *
 * <p>This class is the host's face: its configuration ({@link Context}), its public operations
 * and the order in which its parts open and close. The parts each own one role: {@link Resources}
 * (memory), {@link GrantResolver}, {@link Supervisor}, {@link Children}, {@link Watches},
 * {@link Links}, {@link ConsoleSink}, {@link SnapshotService}, {@link DeadlockLookout}, and
 * {@link Services}, which the components call.
 *
 * <p>Launch with {@link #launch(Context)}; a failed launch closes what it opened. Thread-safe.
 */
public final class Host implements AutoCloseable {
  /** Configuration; {@link #conclude()} loads the manifest and settles what follows from it. */
  public static final class Context {
    private Path manifestFile;
    private LoadedManifest manifest;
    private Consumer<String> log = System.out::println;
    private Consumer<HostEvent> events = e -> {};
    private Consumer<HostEvent> jsonEvents;
    private boolean restartOnScriptChange;
    private boolean snapshots;
    private boolean deadlockDetection = true;
    private ImageWriter imageWriter;
    private Map<String, ByteBuffer> restoreRegions = Map.of();
    private Map<String, Restored> restoreComponents = Map.of();
    private int spareWorkers = 1;
    private Isolation forcedIsolation = Isolation.ISOLATION_UNSPECIFIED;
    private Stdio stdio;
    private Duration netTimeout = NetService.DEFAULT_TIMEOUT;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private Executor serviceExecutor;
    private Duration serviceTimeout = Duration.ofSeconds(30);
    private Path countersFile;

    public Context manifest(Path file) {
      manifestFile = file;
      return this;
    }

    public Context manifest(LoadedManifest loaded) {
      manifest = loaded;
      return this;
    }

    /** Where {@code console} output of components with a log capability goes, one line per call. */
    public Context log(Consumer<String> sink) {
      log = sink;
      return this;
    }

    /** Where every {@link HostEvent} goes (one sink; see also {@link #jsonEvents}). */
    public Context events(Consumer<HostEvent> sink) {
      events = sink;
      return this;
    }

    /**
     * Writes every {@link HostEvent} to {@code out} as well, one line of JSON each ({@link EventJson}),
     * flushing after each line when {@code out} is {@link java.io.Flushable}; null turns it off.
     * The host does not close {@code out}. A failing {@code out} loses events, never breaks the host.
     */
    public Context jsonEvents(Appendable out) {
      jsonEvents = out == null ? null : EventJson.writer(out);
      return this;
    }

    /** Restart a component when its script file changes ({@code b8g run --watch}). */
    public Context restartOnScriptChange(boolean v) {
      restartOnScriptChange = v;
      return this;
    }

    /**
     * What writes a whole-host image to a file when a component uses its snapshot capability
     * (b8g.snapshots gives {@code Snapshots.imageWriter()}); without it such requests fail.
     */
    public Context imageWriter(ImageWriter writer) {
      imageWriter = writer;
      return this;
    }

    /**
     * Whether the host ends every component, with a report, once none can make progress (on by
     * default; see {@link Host#deadlock()}). Turn it off when Java code of the embedding
     * application wakes components in ways the host cannot see.
     */
    public Context deadlockDetection(boolean v) {
      deadlockDetection = v;
      return this;
    }

    /**
     * Start components snapshottable, so {@link Host#checkpoint} can take their contexts. On by
     * itself when the manifest grants the snapshot capability (see {@link #conclude()}).
     */
    public Context snapshots(boolean v) {
      snapshots = v;
      return this;
    }

    /**
     * Start from saved state (b8g.snapshots does this after validating an image): region and
     * channel memory keyed as {@link Checkpoint#regions()} names it, filled before anything
     * starts; components by name, continued from their blobs with the grants of this manifest.
     * Components not named start from their scripts. Implies {@link #snapshots}.
     */
    public Context restore(Map<String, ByteBuffer> regions, Map<String, Restored> components) {
      restoreRegions = Map.copyOf(regions);
      restoreComponents = Map.copyOf(components);
      snapshots = true;
      return this;
    }

    /**
     * How long a NET grant's connect, and a fetch's exchange up to the response's head (every
     * redirect's connect, request and head together), may take before it fails with a timeout
     * (default 30 s). A response body streams for as long as the server sends it.
     */
    public Context netTimeout(Duration v) {
      if (v == null || v.isNegative() || v.isZero()) {
        throw new B8gException(B8gException.Category.USAGE, "host.config", "the network timeout must be positive");
      }
      netTimeout = v;
      return this;
    }

    /**
     * How many started worker processes the host keeps ready for components that run in workers
     * (default 1): a start or a restart takes one instead of waiting for a JVM to boot. 0 to 16.
     */
    public Context spareWorkers(int n) {
      if (n < 0 || n > 16) {
        throw new B8gException(B8gException.Category.USAGE, "host.config", "spare workers must be 0 to 16, not " + n);
      }
      spareWorkers = n;
      return this;
    }

    /**
     * Every component runs in this tier whatever its manifest field says; null or
     * ISOLATION_UNSPECIFIED (the default): as the manifest says. Forced into PROCESS, a component
     * with a {@code process_group} keeps its group and every other gets a worker of its own; the
     * grants of every component are then checked as for a worker ({@link #conclude()}).
     */
    public Context isolation(Isolation forced) {
      if (forced == Isolation.UNRECOGNIZED) {
        throw new B8gException(B8gException.Category.USAGE, "host.config", "unknown isolation tier; use IN_PROCESS or PROCESS");
      }
      forcedIsolation = forced == null ? Isolation.ISOLATION_UNSPECIFIED : forced;
      return this;
    }

    /**
     * The streams STDIN, STDOUT and STDERR grants are served from; by default ({@code null}) this
     * process's descriptors 0, 1 and 2, opened only when a grant names one.
     */
    public Context stdio(Stdio streams) {
      stdio = streams;
      return this;
    }

    /**
     * Serves {@code impl} to components under {@code name}: the manifest declares the service
     * ({@code services { name: "orders" application: true }}) and grants it to components, which
     * call it as {@code await env.orders.lookup(id)}. {@code impl} is a {@link Service}, or any
     * object whose public methods become the service's methods ({@link Service#of}). Calls run
     * on the service executor, never on a component's thread; they may return a value or a
     * {@code CompletionStage}/{@code Future} of one. No Java object reaches JS: values are
     * encoded as {@link b8g.components.ServiceValues} says, errors arrive as coded JS errors
     * ({@link b8g.host.services.ServiceException}).
     *
     * @throws B8gException {@code host.config} for a name registered twice or not an identifier,
     *     or an object with no public methods (or an overloaded one)
     */
    public Context service(String name, Object impl) {
      if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new B8gException(B8gException.Category.USAGE, "host.config", "a service name is an identifier, not " + name);
      }
      if (services.containsKey(name)) {
        throw new B8gException(B8gException.Category.USAGE, "host.config", "service " + name + " is registered twice");
      }
      try {
        services.put(name, impl instanceof Service s ? s : Service.of(impl));
      } catch (IllegalArgumentException e) {
        throw new B8gException(B8gException.Category.USAGE, "host.config", "service " + name + ": " + e.getMessage());
      }
      return this;
    }

    /**
     * Keep this host's live counters in {@code file} (see {@link
     * b8g.memory.counters.CountersDescriptor}): created at launch (mode 0600, never through a
     * symbolic link; it must not exist), removed at close. Other processes read it with {@link
     * b8g.memory.counters.CountersReader} ({@code b8g top}). Put it in a directory only this
     * user can enter; {@code b8g run} uses {@code ${XDG_RUNTIME_DIR:-/tmp}/b8g-<uid>/<pid>.counters}.
     * Null (the default): no counters.
     */
    public Context counters(Path file) {
      countersFile = file;
      return this;
    }

    /** Where Java service calls run (default: a pool of 16 daemon threads the host owns). */
    public Context serviceExecutor(Executor executor) {
      serviceExecutor = executor;
      return this;
    }

    /**
     * Whether a component of this context's manifest is granted STDOUT (loads the manifest if only
     * its file was given): {@code b8g run} then sends console output to standard error, so it
     * never mixes into the byte stream.
     */
    public boolean grantsStdout() {
      if (manifest == null && manifestFile != null) {
        manifest = ManifestLoader.load(manifestFile);
      }
      return manifest != null && manifest.components().stream()
          .anyMatch(c -> c.grants().stream().anyMatch(g -> g.host().orElse(null) == HostCapability.STDOUT));
    }

    /**
     * How long a Java service call may take before it fails with {@code service.timeout} and
     * its future is cancelled (default 30 s; 1 ms to 1 hour).
     */
    public Context serviceTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 1 || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new B8gException(B8gException.Category.USAGE, "host.config", "a service timeout is 1 ms to 1 hour, not " + timeout);
      }
      serviceTimeout = timeout;
      return this;
    }

    /** The tier forced on every component, or ISOLATION_UNSPECIFIED when each runs where its manifest says. */
    Isolation forcedIsolation() {
      return forcedIsolation;
    }

    /**
     * Loads the manifest if only its file was given, starts components snapshottable when any is
     * granted the snapshot capability (it could not take a snapshot otherwise), and, when every
     * component is forced into a worker, rejects a grant a worker cannot use yet with the loader's
     * error ({@code manifest.isolation}).
     */
    Context conclude() {
      if (manifest == null) {
        if (manifestFile == null) {
          throw new B8gException(B8gException.Category.USAGE, "host.config", "no manifest given");
        }
        manifest = ManifestLoader.load(manifestFile);
      }
      snapshots = snapshots || grantsSnapshot(manifest);
      IsolationRules.checkForced(manifest, forcedIsolation);
      return this;
    }

    private static boolean grantsSnapshot(LoadedManifest m) {
      for (ComponentSpec c : m.components()) {
        for (GrantSpec g : c.grants()) {
          if (g.host().isPresent() && g.host().get() == HostCapability.SNAPSHOT) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /** A component's saved context: a checked V8 blob and the names it held (see ComponentSnapshot). */
  public record Restored(byte[] blob, List<String> held) {}

  /**
   * Every running manifest component parked at a turn boundary, with the memory they share, so
   * that a consistent copy can be taken ({@link #checkpoint}). Region bytes do not change while
   * this is open, except through Java-held channel ends the host gave out. Close to resume.
   */
  public final class Checkpoint implements AutoCloseable {
    private final Map<String, Component.Paused> paused;

    private Checkpoint(Map<String, Component.Paused> paused) {
      this.paused = paused;
    }

    /** The paused components by name, in manifest order. */
    public Map<String, Component.Paused> components() {
      return paused;
    }

    /** All memory by name: manifest regions, and channel rings as {@code channel:NAME}. */
    public Map<String, Region> regions() {
      return resources.byImageName();
    }

    public LoadedManifest manifest() {
      return manifest;
    }

    /** Whether the named memory is a file under /dev/shm. */
    public boolean sharedFile(String region) {
      return resources.byImageName().get(region).file() != null;
    }

    @Override
    public void close() {
      for (Component.Paused p : paused.values()) {
        p.close();
      }
    }
  }

  private final Context ctx;
  private final LoadedManifest manifest;
  /** Region watches and deadlock looks run here; it stops before memory is released. */
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "b8g-host-sampler");
    t.setDaemon(true);
    return t;
  });
  private final Events events;
  private final Resources resources = new Resources();
  /** Who holds each channel end: an end whose holder is gone for good is marked gone on its ring. */
  private final ChannelEnds ends = new ChannelEnds();
  /** The pumps behind stdio and file grants, their rings, and files opened at run time. */
  private final IoGrants io;
  private final Links links;
  private final ConsoleSink console;
  private final Watches watches;
  private final SnapshotService snapshots;
  private final Supervisor supervisor;
  private final Children children;
  private final Placement placement;
  /** The components that run in worker processes, and the workers. */
  private final Workers workers;
  /** Sockets and fetch of NET grants (in-process components). */
  private final NetService net;
  /** Services: the rings of every client, the pumps of Java services. */
  private final ServiceHub services;
  /** The live counters file, when asked for. */
  private final HostCounters counters;

  private Host(Context ctx) {
    this.ctx = ctx;
    this.manifest = ctx.manifest;
    this.counters = new HostCounters(ctx.countersFile);
    List<Consumer<HostEvent>> sinks = new java.util.ArrayList<>();
    if (ctx.countersFile != null) {
      sinks.add(counters::event);
    }
    sinks.add(ctx.events);
    if (ctx.jsonEvents != null) {
      sinks.add(ctx.jsonEvents);
    }
    this.events = new Events(sinks);
    this.io = new IoGrants(resources, ends, events);
    this.services = new ServiceHub(new ServiceHub.Options(ctx.services, ctx.serviceExecutor, ctx.serviceTimeout));
    GrantResolver grants = new GrantResolver(manifest, resources, io, services);
    this.links = new Links(ends, grants, events);
    links.services(services);
    this.console = new ConsoleSink(ctx.log);
    this.watches = new Watches(sampler, manifest.directory());
    this.snapshots = new SnapshotService(this, ctx.imageWriter, manifest.directory(), events);
    ComponentFactory factory = new ComponentFactory(manifest.directory(), ctx.snapshots);
    this.placement = new Placement(ctx.forcedIsolation());
    this.workers = new Workers(factory, console, ctx.spareWorkers, counters);
    factory.counters(counters);
    this.supervisor = new Supervisor(factory, grants, ends, links, watches, events, this::released, ctx.restoreComponents,
        placement::workerGroup, workers);
    this.children = new Children(supervisor, factory, grants, ends, links, events, this::released);
    this.net = new NetService(ctx.netTimeout);
    factory.serve(new Services(console, children, watches, snapshots, links, io, net));
  }

  /** Loads, validates, creates every handle and starts every component in start order. */
  public static Host launch(Context ctx) {
    Host h = new Host(ctx.conclude());
    try {
      h.open();
      return h;
    } catch (Throwable e) {
      // Errors too (a fault reading a mapped image's region, an OutOfMemoryError): the spare
      // workers, shared-memory files and threads opened so far must not outlive the failed launch.
      try {
        h.close();
      } catch (Throwable suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void open() {
    watches.start();
    Set<MemoryKey> shared = placement.sharedMemory(manifest);
    if (manifest.components().stream().anyMatch(c -> placement.workerGroup(c) != null)) {
      workers.open(); // spare workers boot while the memory is made
    }
    resources.open(manifest, ctx.restoreRegions, shared);
    if (counters.open(manifest, resources::channel, ctx.log)) {
      sampler.scheduleAtFixedRate(() -> counters.sample(supervisor::workerPid), 0, HostCounters.SAMPLE_MS, TimeUnit.MILLISECONDS);
    }
    io.open(manifest, c -> placement.workerGroup(c) != null, ctx.stdio);
    services.open(manifest, name -> placement.workerGroup(manifest.component(name).orElseThrow()) != null);
    supervisor.start(manifest.components(), manifest.startOrder(), ctx.restartOnScriptChange);
    // A script change can wake a --watch host at any time: it is never deadlocked.
    if (ctx.deadlockDetection && !ctx.restartOnScriptChange) {
      DeadlockLookout lookout = new DeadlockLookout(supervisor, children, watches, snapshots, resources, net, services, events);
      sampler.scheduleWithFixedDelay(lookout, DeadlockLookout.LOOK_MS, DeadlockLookout.LOOK_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** Drops what an ended instance leaves in the host: its children, channel ends, watches, console window, exports. */
  private void released(Running i) {
    if (i instanceof Component c) {
      children.terminateChildrenOf(c);
      ends.release(c);
      watches.unwatchAll(c);
      net.release(c);
      console.forget(c);
    } else {
      console.forget(i);
    }
    links.withdraw(i.name());
    services.released(i.name());
  }

  /**
   * Pauses every running manifest component at its next turn boundary (children are not
   * included and are not paused). A failed pause resumes the ones already paused.
   */
  public Checkpoint checkpoint(Duration timeout) {
    return new Checkpoint(supervisor.pauseAll(timeout));
  }

  /**
   * The report if this host ended its components because none could make progress (a deadlock),
   * else null.
   */
  public String deadlock() {
    return supervisor.deadlock();
  }

  /** Whether components were started snapshottable (asked for, implied by a grant or a restore). */
  public boolean snapshottable() {
    return ctx.snapshots;
  }

  /**
   * Waits until every manifest component has ended for good (restarts done). Returns each
   * component's final status by name, or null if the timeout passed first.
   */
  public Map<String, ExitStatus> awaitCompletion(Duration timeout) throws InterruptedException {
    return supervisor.awaitCompletion(timeout);
  }

  /** The running instance of a manifest component, or null when it is not running. */
  public Component component(String name) {
    return supervisor.current(name);
  }

  /**
   * The worker process a manifest component runs in now, or 0 when it runs in this JVM (then
   * {@link #component} returns it) or is not running.
   */
  public long workerPid(String name) {
    return supervisor.workerPid(name);
  }

  /** Process ids of this host's worker processes alive now (spares included). */
  public List<Long> workerPids() {
    return workers.pids();
  }

  /** A channel's ring, for a Java end the host holds (an end no component was granted). */
  public Ring channel(String name) {
    return resources.channel(name);
  }

  public Region region(String name) {
    return resources.region(name);
  }

  public LoadedManifest manifest() {
    return manifest;
  }

  /**
   * Whether the reader of this host's standard output closed it while a component still wrote
   * (EPIPE, as in {@code b8g run x | head}); {@code b8g run} then exits as a process killed by
   * SIGPIPE would (141).
   */
  public boolean stdoutClosedEarly() {
    return io.stdoutClosedEarly();
  }

  /** Revokes what {@code component} holds under {@code env}, and everything derived from it. */
  public void revoke(String component, String env) {
    Capability root = supervisor.root(component, env);
    if (root == null) {
      throw new CapabilityException("capability.unknown", component + " holds nothing under env." + env);
    }
    root.revoke();
    events.emit(HostEvent.Kind.REVOKED, component, "env." + env, HostEvent.fields("env", env));
  }

  /** Gives {@code component} a new link secret; the old one matches nothing from now on. */
  public void rotateSecret(String component) {
    links.rotate(component);
    events.emit(HostEvent.Kind.GRANTED, component, "secret rotated",
        HostEvent.fields("capability", "secret", "secret_of", component, "rotated", true));
  }

  /** Stops everything and releases all memory. Idempotent. */
  @Override
  public void close() {
    if (!supervisor.close()) {
      return;
    }
    List<Running> all = new ArrayList<>(children.all());
    all.addAll(supervisor.instances());
    for (Running c : all) {
      c.terminate("host shutting down");
    }
    for (Running c : all) {
      try {
        c.awaitExit(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Workers say goodbye and end (forcibly after 2 s): none touches this host's memory after.
    workers.close();
    services.close();
    watches.close();
    net.close();
    // The sampler reads region memory: it stops (and finishes any sample) before memory goes.
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Output pumps write out what the components left, then every pump stops: none touches a
    // ring after this.
    io.close();
    // One last look, so the file's last figures are the final ones; then it goes.
    counters.sample(supervisor::workerPid);
    counters.close();
    // Every isolate is closed: no JS view of this memory remains, so it may go (and no late
    // end of a component marks a ring in it).
    ends.close();
    resources.close();
    services.releaseMemory();
    events.emit(HostEvent.Kind.STOPPED, "host", "");
  }
}
