package b8g.host;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.CapabilityException;
import b8g.capabilities.LinkRegistry;
import b8g.capabilities.Right;
import b8g.components.Component;
import b8g.components.Component.EnvEntry;
import b8g.components.Component.ExitStatus;
import b8g.components.ComponentException;
import b8g.components.HostServices;
import b8g.components.Limits;
import b8g.host.manifest.schema.Backing;
import b8g.host.manifest.schema.RestartPolicy;
import b8g.errors.B8gException;
import b8g.host.manifest.ChannelSpec;
import b8g.host.manifest.ComponentSpec;
import b8g.host.manifest.GrantSpec;
import b8g.host.manifest.LinkSpec;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.ManifestLoader;
import b8g.host.manifest.RegionSpec;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The process that owns all authority: it loads a manifest, creates the handles, starts the
 * components with exactly their grants, supervises them (restart policy), serves their host
 * capabilities (run, watch, export/link, log) and, on {@link #close()}, closes every isolate and
 * releases every byte of off-heap memory (non-persistent /dev/shm files are removed).
 *
 * <p>Launch with {@link #launch(Context)}; a failed launch closes what it opened. Thread-safe.
 */
public final class Host implements AutoCloseable {
  /** Configuration; {@link #conclude()} loads the manifest and validates. */
  public static final class Context {
    private Path manifestFile;
    private LoadedManifest manifest;
    private Consumer<String> log = System.out::println;
    private Consumer<HostEvent> events = e -> {};
    private boolean restartOnScriptChange;
    private boolean snapshots;
    private boolean deadlockDetection = true;
    private java.util.function.BiConsumer<Host, Path> imageWriter;
    private Map<String, java.nio.ByteBuffer> restoreRegions = Map.of();
    private Map<String, Restored> restoreComponents = Map.of();

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

    public Context events(Consumer<HostEvent> sink) {
      events = sink;
      return this;
    }

    /** Restart a component when its script file changes ({@code b8g run --watch}). */
    public Context restartOnScriptChange(boolean v) {
      restartOnScriptChange = v;
      return this;
    }

    /**
     * What writes a whole-host image to a file when a component uses its snapshot capability
     * (b8g.snapshots.Snapshots installs one); without it such requests fail.
     */
    public Context imageWriter(java.util.function.BiConsumer<Host, Path> writer) {
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

    /** Start components snapshottable, so {@link #checkpoint} can take their contexts. */
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
    public Context restore(Map<String, java.nio.ByteBuffer> regions, Map<String, Restored> components) {
      restoreRegions = Map.copyOf(regions);
      restoreComponents = Map.copyOf(components);
      snapshots = true;
      return this;
    }

    Context conclude() {
      if (manifest == null) {
        if (manifestFile == null) {
          throw new B8gException(B8gException.Category.USAGE, "host.config", "no manifest given");
        }
        manifest = ManifestLoader.load(manifestFile);
      }
      return this;
    }
  }

  /** A manifest component and its supervision state. */
  private final class Supervised {
    final ComponentSpec spec;
    final Map<String, Capability> roots = new LinkedHashMap<>();
    volatile Component current;
    /** Which start is current: a component may end before Component.start has even returned. */
    int generation;
    int restarts;
    volatile ExitStatus finalStatus;

    Supervised(ComponentSpec spec) {
      this.spec = spec;
    }
  }

  private record Child(Component component, Component parent) {}

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
      return java.util.Collections.unmodifiableMap(regions);
    }

    public LoadedManifest manifest() {
      return manifest;
    }

    /** Whether the named memory is a file under /dev/shm. */
    public boolean sharedFile(String region) {
      return regions.get(region).file() != null;
    }

    @Override
    public void close() {
      for (Component.Paused p : paused.values()) {
        p.close();
      }
    }
  }

  /**
   * Pauses every running manifest component at its next turn boundary (children are not
   * included and are not paused). A failed pause resumes the ones already paused.
   */
  public Checkpoint checkpoint(Duration timeout) {
    Map<String, Component.Paused> paused = new LinkedHashMap<>();
    try {
      for (Supervised s : supervised.values()) {
        Component c = s.current;
        if (c != null && c.status() == null) {
          paused.put(s.spec.name(), c.pause(timeout));
        }
      }
    } catch (RuntimeException e) {
      paused.values().forEach(Component.Paused::close);
      throw e;
    }
    return new Checkpoint(paused);
  }

  private final Context ctx;
  private final LoadedManifest manifest;
  private final Map<String, Region> regions = new LinkedHashMap<>();
  private final Map<String, Ring> channels = new LinkedHashMap<>();
  private final Map<String, Supervised> supervised = new LinkedHashMap<>();
  private final Map<Long, Child> children = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Capability>> exports = new ConcurrentHashMap<>();
  private final Map<Long, Component> watchOwners = new ConcurrentHashMap<>();
  /** Region watches: a checksum sampled every REGION_SAMPLE_MS on this host's own thread. */
  private final Map<Long, java.util.concurrent.ScheduledFuture<?>> regionWatches = new ConcurrentHashMap<>();
  private final AtomicLong regionWatchIds = new AtomicLong(1L << 40); // apart from file watch ids
  private final java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "b8g-host-sampler");
    t.setDaemon(true);
    return t;
  });
  static final int REGION_SAMPLE_MS = 50;
  private final Set<Component> snapshotting = ConcurrentHashMap.newKeySet();
  private final LinkRegistry<String> links = new LinkRegistry<>();
  private final AtomicLong childIds = new AtomicLong();
  private final Services services = new Services();
  /** Who holds each channel end: an end whose holder is gone for good is marked gone on its ring. */
  private final ChannelEnds ends = new ChannelEnds();
  private final DeadlockDetector deadlocks = new DeadlockDetector();
  /** Why the host ended every component as deadlocked, or null. */
  private volatile String deadlock;
  /** How often the host looks for a deadlock; {@link DeadlockDetector#LOOKS} looks make a report. */
  static final int DEADLOCK_LOOK_MS = 250;
  private FileWatcher watcher;
  private volatile boolean closing;

  private Host(Context ctx) {
    this.ctx = ctx;
    this.manifest = ctx.manifest;
  }

  /** Loads, validates, creates every handle and starts every component in start order. */
  public static Host launch(Context ctx) {
    Host h = new Host(ctx.conclude());
    try {
      h.open();
      return h;
    } catch (RuntimeException e) {
      h.close();
      throw e;
    }
  }

  private void open() {
    try {
      watcher = new FileWatcher();
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "host.watch", "cannot start the file watcher: " + e.getMessage(), e);
    }
    long pid = ProcessHandle.current().pid();
    for (RegionSpec r : manifest.regions()) {
      regions.put(r.name(), r.backing() == Backing.SHM_FILE
          ? Region.shmFile(r.name(), shmPath(r.file().orElse("b8g-" + pid + "-" + r.name())), r.size(), r.persistent())
          : Region.anonymous(r.name(), r.size()));
    }
    for (RegionSpec r : manifest.regions()) {
      java.nio.ByteBuffer saved = ctx.restoreRegions.get(r.name());
      if (saved != null) {
        fill(regions.get(r.name()), saved);
      }
    }
    for (ChannelSpec c : manifest.channels()) {
      long size = (long) c.capacity() + RingDescriptor.TRAILER_LENGTH;
      Region mem = c.backing() == Backing.SHM_FILE
          ? Region.shmFile(c.name(), shmPath(c.file().orElse("b8g-" + pid + "-" + c.name())), size, c.persistent())
          : Region.anonymous(c.name(), size);
      regions.put("channel:" + c.name(), mem);
      java.nio.ByteBuffer saved = ctx.restoreRegions.get("channel:" + c.name());
      if (saved != null) {
        fill(mem, saved);
        channels.put(c.name(), Ring.attach(mem));
      } else {
        channels.put(c.name(), Ring.create(mem));
      }
    }
    for (ComponentSpec spec : manifest.components()) {
      supervised.put(spec.name(), new Supervised(spec));
      links.register(spec.name());
    }
    for (Supervised s : supervised.values()) {
      for (GrantSpec g : s.spec.grants()) {
        s.roots.put(g.env(), rootFor(g));
      }
    }
    for (ComponentSpec spec : manifest.startOrder()) {
      Supervised s = supervised.get(spec.name());
      for (String before : spec.after()) {
        awaitStarted(supervised.get(before));
      }
      // A component may end before start() returns (a pooled start takes microseconds): ended()
      // tells its own end from an older instance's by the start generation, not by s.current.
      start(s);
      if (ctx.restartOnScriptChange) {
        watchScript(s);
      }
    }
    // A script change can wake a --watch host at any time: it is never deadlocked.
    if (ctx.deadlockDetection && !ctx.restartOnScriptChange) {
      sampler.scheduleWithFixedDelay(this::lookForDeadlock, DEADLOCK_LOOK_MS, DEADLOCK_LOOK_MS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Ends every component when none can make progress ({@link DeadlockDetector}), with a report of
   * who waits on what, instead of waiting for ever; no restart follows. Anything outside the
   * components that could still wake one (a watch, a channel end held from Java, a snapshot
   * being written) means no deadlock.
   */
  private void lookForDeadlock() {
    if (closing || deadlock != null) {
      return;
    }
    List<Component> live = new ArrayList<>();
    for (Supervised s : supervised.values()) {
      Component c = s.current;
      if (s.finalStatus == null && c != null && c.status() == null) {
        live.add(c);
      }
    }
    for (Child ch : children.values()) {
      if (ch.component.status() == null) {
        live.add(ch.component);
      }
    }
    boolean outside = !watchOwners.isEmpty() || !snapshotting.isEmpty()
        || channels.values().stream().anyMatch(Ring::hasJavaEnd);
    String report;
    try {
      report = deadlocks.look(live, outside, this::waitsOn);
    } catch (RuntimeException e) {
      return; // a look that failed (memory released under it at close) says nothing; look again
    }
    if (report == null) {
      return;
    }
    deadlock = report;
    event(HostEvent.Kind.DEADLOCK, "host", report);
    for (Component c : live) {
      c.terminate("deadlock: " + report);
    }
  }

  /** What a quiet component waits on, as far as its rings tell. */
  private List<String> waitsOn(Component c) {
    List<String> out = new ArrayList<>();
    for (Capability cap : c.table().snapshot()) {
      if (cap == null || cap.revoked()) {
        continue;
      }
      if (cap.kind() == Kind.CHANNEL_READER && cap.target(Ring.class).readerWaiting()) {
        out.add("read channel " + nameOf(cap.target(Ring.class)) + " (empty)");
      } else if (cap.kind() == Kind.CHANNEL_WRITER && cap.target(Ring.class).writerWaiting()) {
        out.add("write channel " + nameOf(cap.target(Ring.class)) + " (full)");
      }
    }
    return out;
  }

  /**
   * The report if this host ended its components because none could make progress (a deadlock),
   * else null.
   */
  public String deadlock() {
    return deadlock;
  }

  private static void fill(Region region, java.nio.ByteBuffer saved) {
    if (saved.remaining() != region.size()) {
      throw new ComponentException("snapshot.mismatch", "saved memory " + region.name() + " has " + saved.remaining()
          + " bytes but the manifest declares " + region.size());
    }
    region.byteBuffer().duplicate().clear().put(saved.duplicate());
  }

  private static void awaitStarted(Supervised s) {
    Component c = s.current;
    try {
      if (c != null && !c.awaitStarted(Duration.ofSeconds(30))) {
        throw new ComponentException("component.start", s.spec.name() + " did not start within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComponentException("component.start", "interrupted while starting " + s.spec.name());
    }
  }

  private static Path shmPath(String file) {
    return Path.of("/dev/shm", file);
  }

  private Capability rootFor(GrantSpec g) {
    Set<Right> rights = EnumSet.noneOf(Right.class);
    for (var r : g.rights()) {
      rights.add(Right.valueOf(r.name()));
    }
    return switch (g.kind()) {
      case REGION -> Capability.root(Kind.REGION, regions.get(g.target()), rights);
      case CHANNEL -> Capability.root(rights.contains(Right.WRITE) ? Kind.CHANNEL_WRITER : Kind.CHANNEL_READER,
          channels.get(g.target()), rights);
      case HOST -> switch (g.host().orElseThrow()) {
        case RUN -> Capability.root(Kind.RUN, new PathScope(manifest.directory(), g.paths()), rights);
        case WATCH -> Capability.root(Kind.WATCH, new PathScope(manifest.directory(), g.paths()), rights);
        case LOG -> Capability.root(Kind.LOG, null, rights);
        case SNAPSHOT -> Capability.root(Kind.SNAPSHOT, new PathScope(manifest.directory(), List.of(manifest.directory())), rights);
        default -> throw new IllegalStateException("validated manifest has an unknown host capability");
      };
    };
  }

  private void start(Supervised s) {
    int gen;
    synchronized (this) {
      gen = ++s.generation;
    }
    ComponentSpec spec = s.spec;
    String source;
    try {
      source = Files.readString(spec.script(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ComponentException("component.script", spec.scriptLocation() + ": cannot read script " + spec.script() + ": " + e.getMessage(), e);
    }
    Component.Context c = new Component.Context()
        .name(spec.name())
        .script(source, manifest.directory().relativize(spec.script()).toString())
        .limits(spec.limits())
        .services(services)
        .listener((comp, status) -> ended(s, gen, comp, status))
        .snapshottable(ctx.snapshots);
    Restored saved = s.restarts == 0 && s.current == null ? ctx.restoreComponents.get(spec.name()) : null;
    if (saved != null) {
      c.restore(saved.blob(), saved.held());
    }
    for (Map.Entry<String, Capability> e : s.roots.entrySet()) {
      // The manifest's ends are this component's again (after a restart: the same ring, from its
      // own head and tail), whoever held them meanwhile.
      ends.take(e.getValue(), s);
      c.grant(EnvEntry.of(e.getKey(), e.getValue().derive()));
      event(HostEvent.Kind.GRANTED, spec.name(), "env." + e.getKey() + " = " + describe(e.getValue()));
    }
    for (LinkSpec l : spec.secrets()) {
      c.grant(EnvEntry.value(l.env(), links.secretOf(l.from()).reveal()));
      event(HostEvent.Kind.GRANTED, spec.name(), "env." + l.env() + " = link secret of " + l.from());
    }
    Component started = Component.start(c);
    synchronized (this) {
      // It may have ended and been restarted already; then the newer start is current.
      if (s.generation == gen) {
        s.current = started;
      }
    }
    event(HostEvent.Kind.STARTED, spec.name(), spec.script().getFileName().toString());
  }

  private String describe(Capability cap) {
    String rights = cap.rights().isEmpty() ? "" : " " + cap.rights().toString().toLowerCase(Locale.ROOT);
    return switch (cap.kind()) {
      case REGION -> "region " + cap.target(Region.class).name() + rights;
      case CHANNEL_READER -> "channel " + nameOf(cap.target(Ring.class)) + " (reader)";
      case CHANNEL_WRITER -> "channel " + nameOf(cap.target(Ring.class)) + " (writer)";
      default -> cap.kind().name().toLowerCase(Locale.ROOT);
    };
  }

  private String nameOf(Ring ring) {
    for (Map.Entry<String, Ring> e : channels.entrySet()) {
      if (e.getValue() == ring) {
        return e.getKey();
      }
    }
    return "?";
  }

  private void ended(Supervised s, int gen, Component comp, ExitStatus status) {
    terminateChildrenOf(comp);
    // Ends this instance took by link are gone with it; its manifest ends only if no restart follows.
    ends.release(comp);
    unwatchAll(comp);
    logWindows.remove(comp);
    exports.remove(comp.name());
    HostEvent.Kind kind = switch (status.outcome()) {
      case EXITED -> status.success() ? HostEvent.Kind.EXITED : HostEvent.Kind.FAILED;
      case FAILED -> HostEvent.Kind.FAILED;
      case TERMINATED -> HostEvent.Kind.TERMINATED;
    };
    event(kind, comp.name(), status.reason());
    synchronized (this) {
      if (s.generation != gen) {
        return; // an older instance (replaced by a script-change restart)
      }
      boolean restart = !closing && deadlock == null && !status.success()
          && s.spec.restartMode() == RestartPolicy.Mode.ON_FAILURE && s.restarts < s.spec.maxRestarts();
      if (restart) {
        s.restarts++;
        event(HostEvent.Kind.RESTARTED, comp.name(), "restart " + s.restarts + " of " + s.spec.maxRestarts());
        try {
          start(s);
          return;
        } catch (RuntimeException e) {
          status = new ExitStatus(Component.Outcome.FAILED, 1, "restart failed: " + e.getMessage());
        }
      }
      s.finalStatus = status;
      ends.release(s);
      notifyAll();
    }
  }

  private void watchScript(Supervised s) {
    try {
      watcher.watch(s.spec.script(), (id, kind, path) -> {
        // An overflow may hide a change of the script: restart as for one.
        if (closing || !kind.equals("modified") && !kind.equals("created") && !kind.equals("overflow")) {
          return;
        }
        event(HostEvent.Kind.SCRIPT_CHANGED, s.spec.name(), path.getFileName().toString());
        synchronized (this) {
          Component old = s.current;
          try {
            start(s);
          } catch (RuntimeException e) {
            event(HostEvent.Kind.FAILED, s.spec.name(), "restart after change failed: " + e.getMessage());
            return;
          }
          if (old != null) {
            old.terminate("replaced after its script changed");
          }
        }
      });
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.IO, "host.watch", "cannot watch " + s.spec.script() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until every manifest component has ended for good (restarts done). Returns each
   * component's final status by name, or null if the timeout passed first.
   */
  public synchronized Map<String, ExitStatus> awaitCompletion(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, ExitStatus> out = new LinkedHashMap<>();
      for (Supervised s : supervised.values()) {
        if (s.finalStatus == null) {
          out = null;
          break;
        }
        out.put(s.spec.name(), s.finalStatus);
      }
      if (out != null) {
        return out;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** The running instance of a manifest component, or null when it is not running. */
  public Component component(String name) {
    Supervised s = supervised.get(name);
    return s == null ? null : s.current;
  }

  /** A channel's ring, for a Java end the host holds (an end no component was granted). */
  public Ring channel(String name) {
    Ring r = channels.get(name);
    if (r == null) {
      throw new CapabilityException("capability.unknown", "no channel named " + name);
    }
    return r;
  }

  public Region region(String name) {
    Region r = regions.get(name);
    if (r == null) {
      throw new CapabilityException("capability.unknown", "no region named " + name);
    }
    return r;
  }

  public LoadedManifest manifest() {
    return manifest;
  }

  /** Revokes what {@code component} holds under {@code env}, and everything derived from it. */
  public void revoke(String component, String env) {
    Supervised s = supervised.get(component);
    Capability root = s == null ? null : s.roots.get(env);
    if (root == null) {
      throw new CapabilityException("capability.unknown", component + " holds nothing under env." + env);
    }
    root.revoke();
    event(HostEvent.Kind.REVOKED, component, "env." + env);
  }

  /** Gives {@code component} a new link secret; the old one matches nothing from now on. */
  public void rotateSecret(String component) {
    links.rotate(component);
    event(HostEvent.Kind.GRANTED, component, "secret rotated");
  }

  /** Stops everything and releases all memory. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    List<Component> all = new ArrayList<>();
    for (Child c : children.values()) {
      all.add(c.component);
    }
    for (Supervised s : supervised.values()) {
      if (s.current != null) {
        all.add(s.current);
      }
    }
    for (Component c : all) {
      c.terminate("host shutting down");
    }
    for (Component c : all) {
      try {
        c.awaitExit(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        // nothing left to watch
      }
    }
    // The sampler reads region memory: it stops (and finishes any sample) before memory goes.
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Every isolate is closed: no JS view of this memory remains, so it may go (and no late
    // end of a component marks a ring in it).
    ends.close();
    for (Region r : regions.values()) {
      r.close();
    }
    event(HostEvent.Kind.STOPPED, "host", "");
  }

  private void event(HostEvent.Kind kind, String component, String detail) {
    try {
      ctx.events.accept(new HostEvent(kind, component, detail));
    } catch (RuntimeException e) {
      // A failing event sink must not break supervision.
    }
  }

  /** Console lines a component may write per second; more are dropped and counted. */
  static final int LOG_LINES_PER_SECOND = 5_000;
  private final Map<Component, long[]> logWindows = new ConcurrentHashMap<>();

  /** Live children one component may have, and file watches it may hold. */
  static final int MAX_CHILDREN = 64;
  static final int MAX_WATCHES = 256;

  /** Drops what an ended child leaves in the host: watches, its link secret, its exports. */
  private void forget(Component c) {
    unwatchAll(c);
    logWindows.remove(c);
    links.unregister(c.name());
  }

  private void unwatchAll(Component c) {
    watchOwners.entrySet().removeIf(e -> {
      if (e.getValue() != c) {
        return false;
      }
      stopWatch(e.getKey());
      return true;
    });
  }

  private void stopWatch(long id) {
    java.util.concurrent.ScheduledFuture<?> f = regionWatches.remove(id);
    if (f != null) {
      f.cancel(false);
    } else {
      watcher.unwatch(id);
    }
  }

  private static long checksum(Region r) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(r.byteBuffer());
    return crc.getValue();
  }

  private void terminateChildrenOf(Component parent) {
    for (Map.Entry<Long, Child> e : children.entrySet()) {
      if (e.getValue().parent == parent) {
        e.getValue().component.terminate("parent " + parent.name() + " ended");
      }
    }
  }

  /** The host capabilities, as the component layer calls them. */
  private final class Services implements HostServices {
    @Override
    public void log(Component source, String level, String text) {
      // A component may not flood the host's output: at most LOG_LINES_PER_SECOND lines, the rest
      // dropped and counted in one line when its next second begins.
      long[] w = logWindows.computeIfAbsent(source, k -> new long[3]); // {window start, lines, dropped}
      long dropped = 0;
      synchronized (w) {
        long now = System.nanoTime();
        if (now - w[0] > 1_000_000_000L) {
          dropped = w[2];
          w[0] = now;
          w[1] = 0;
          w[2] = 0;
        }
        if (++w[1] > LOG_LINES_PER_SECOND) {
          w[2]++;
          return;
        }
      }
      if (dropped > 0) {
        ctx.log.accept("[" + source.name() + "] warn: " + dropped + " log lines dropped (more than " + LOG_LINES_PER_SECOND + " a second)");
      }
      String prefix = "[" + source.name() + "] " + (level.equals("info") || level.equals("debug") ? "" : level + ": ");
      for (String line : text.split("\n", -1)) {
        ctx.log.accept(prefix + line);
      }
    }

    @Override
    public long run(Component parent, Capability run, String script, Map<String, Capability> grants, Map<String, String> values) {
      if (closing) {
        throw new ComponentException("component.closing", "the host is shutting down");
      }
      Path file = run.target(PathScope.class).resolve(script, true);
      long live = children.values().stream().filter(c -> c.parent == parent).count();
      if (live >= MAX_CHILDREN) {
        throw new ComponentException("capability.quota", parent.name() + " already runs " + live + " children (the limit is " + MAX_CHILDREN + ")");
      }
      String source;
      try {
        source = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ComponentException("component.script", "cannot read " + script);
      }
      long id = childIds.incrementAndGet();
      String name = parent.name() + "/" + file.getFileName() + "#" + id;
      Supervised owner = supervisedOf(parent);
      Component.Context c = new Component.Context()
          .name(name)
          .script(source, manifest.directory().relativize(file).toString())
          .limits(owner == null ? Limits.DEFAULT : owner.spec.limits())
          .services(this)
          .listener((comp, status) -> {
            children.remove(id);
            ends.release(id);
            ends.release(comp);
            terminateChildrenOf(comp);
            forget(comp);
            exports.remove(comp.name());
            event(status.success() ? HostEvent.Kind.EXITED : HostEvent.Kind.FAILED, comp.name(), status.reason());
            parent.deliverChildExit(id, status);
          });
      for (Map.Entry<String, Capability> e : grants.entrySet()) {
        ends.hold(e.getValue(), id); // a channel end is moved to the child: gone when it ends
        c.grant(EnvEntry.of(e.getKey(), e.getValue()));
        event(HostEvent.Kind.GRANTED, name, "env." + e.getKey() + " = " + describe(e.getValue()) + " (from " + parent.name() + ")");
      }
      for (Map.Entry<String, String> e : values.entrySet()) {
        c.grant(EnvEntry.value(e.getKey(), e.getValue()));
      }
      links.register(name);
      Component child = Component.start(c);
      children.put(id, new Child(child, parent));
      event(HostEvent.Kind.CHILD_STARTED, name, "started by " + parent.name());
      return id;
    }

    @Override
    public void terminateChild(Component parent, long childId) {
      Child c = children.get(childId);
      if (c == null || c.parent != parent) {
        throw new ComponentException("capability.unknown", "no running child " + childId);
      }
      c.component.terminate("terminated by " + parent.name());
    }

    @Override
    public long watchPath(Component source, Capability watch, String path) {
      Path p = watch.target(PathScope.class).resolve(path, false);
      long mine = watchOwners.values().stream().filter(c -> c == source).count();
      if (mine >= MAX_WATCHES) {
        throw new ComponentException("capability.quota", source.name() + " already has " + mine + " watches (the limit is " + MAX_WATCHES + ")");
      }
      Path base = manifest.directory();
      try {
        long id = watcher.watch(p, (wid, kind, changed) -> source.deliverWatchEvent(wid, kind, safeRelative(base, changed)));
        watchOwners.put(id, source);
        return id;
      } catch (IOException | RuntimeException e) {
        throw new ComponentException("capability.path", "cannot watch \"" + path + "\"");
      }
    }

    @Override
    public void unwatch(Component source, long watchId) {
      if (watchOwners.get(watchId) == source) {
        watchOwners.remove(watchId);
        stopWatch(watchId);
      }
    }

    @Override
    public long watchRegion(Component source, Capability watch, Capability region) {
      long mine = watchOwners.values().stream().filter(c -> c == source).count();
      if (mine >= MAX_WATCHES) {
        throw new ComponentException("capability.quota", source.name() + " already has " + mine + " watches (the limit is " + MAX_WATCHES + ")");
      }
      Region r = region.target(Region.class);
      long id = regionWatchIds.incrementAndGet();
      long[] last = {checksum(r)};
      regionWatches.put(id, sampler.scheduleWithFixedDelay(() -> {
        if (region.revoked() || r.isClosed()) {
          stopWatch(id);
          watchOwners.remove(id);
          return;
        }
        long now = checksum(r);
        if (now != last[0]) {
          last[0] = now;
          source.deliverWatchEvent(id, "modified", r.name());
        }
      }, REGION_SAMPLE_MS, REGION_SAMPLE_MS, TimeUnit.MILLISECONDS));
      watchOwners.put(id, source);
      return id;
    }

    @Override
    public void snapshot(Component source, Capability snapshot, String path, long requestId) {
      if (ctx.imageWriter == null) {
        throw new ComponentException("capability.unknown", "this host does not write stack images");
      }
      Path file = snapshot.target(PathScope.class).resolve(path, false);
      // Only stack images: a component must not be able to overwrite a manifest, a script or any
      // other file of the unit through this capability.
      if (!file.getFileName().toString().endsWith(".b8gi")) {
        throw new CapabilityException("capability.path", "\"" + path + "\": a snapshot file name must end in .b8gi");
      }
      if (Files.exists(file) && !isStackImage(file)) {
        throw new CapabilityException("capability.path", "\"" + path + "\" exists and is not a stack image; it is not replaced");
      }
      if (!snapshotting.add(source)) {
        throw new ComponentException("snapshot.busy", "a snapshot of " + source.name() + " is being taken already");
      }
      // Not on the component's thread: the snapshot waits for the current turn to end.
      Thread t = new Thread(() -> {
        String error = "";
        try {
          ctx.imageWriter.accept(Host.this, file);
          event(HostEvent.Kind.GRANTED, source.name(), "snapshot written to " + safeRelative(manifest.directory(), file));
        } catch (RuntimeException e) {
          error = e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
          snapshotting.remove(source);
        }
        source.snapshotDone(requestId, error);
      }, "b8g-snapshot");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void export(Component source, String name, Capability cap) {
      exports.computeIfAbsent(source.name(), k -> new ConcurrentHashMap<>()).put(name, cap);
      event(HostEvent.Kind.EXPORTED, source.name(), name + " = " + describe(cap));
    }

    @Override
    public Map<String, Capability> link(Component source, String secret) {
      String target;
      try {
        target = links.resolve(source.name(), secret);
      } catch (CapabilityException e) {
        event(HostEvent.Kind.LINK_REFUSED, source.name(), e.code());
        throw e;
      }
      Map<String, Capability> offered = exports.getOrDefault(target, Map.of());
      Map<String, Capability> out = new LinkedHashMap<>();
      for (Map.Entry<String, Capability> e : offered.entrySet()) {
        Capability cap = e.getValue();
        boolean channelEnd = cap.kind() == Kind.CHANNEL_READER || cap.kind() == Kind.CHANNEL_WRITER;
        // A channel end has one holder: the first link takes it from the export table.
        if (channelEnd && !offered.remove(e.getKey(), cap)) {
          continue;
        }
        if (!cap.revoked()) {
          Capability given = cap.derive();
          if (channelEnd) {
            ends.hold(given, source); // the linker's instance holds it now
          }
          out.put(e.getKey(), given);
        }
      }
      event(HostEvent.Kind.LINKED, source.name(), "to " + target + " (" + String.join(", ", out.keySet()) + ")");
      return out;
    }
  }

  /** True if {@code file} starts with the stack image magic ("B8GIMAGE"). */
  private static boolean isStackImage(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      return java.util.Arrays.equals(in.readNBytes(8), "B8GIMAGE".getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return false;
    }
  }

  private static String safeRelative(Path base, Path p) {
    return p.startsWith(base) ? base.relativize(p).toString() : p.getFileName().toString();
  }

  private Supervised supervisedOf(Component c) {
    for (Supervised s : supervised.values()) {
      if (s.current == c) {
        return s;
      }
    }
    for (Child ch : children.values()) {
      if (ch.component == c) {
        return supervisedOf(ch.parent);
      }
    }
    return null;
  }
}
