package b8g.host;

import b8g.capabilities.Capability;
import b8g.capabilities.Right;
import b8g.components.Component;
import b8g.errors.B8gException;
import b8g.host.io.FileOpen;
import b8g.host.io.Pump;
import b8g.host.io.Stdio;
import b8g.host.manifest.ComponentSpec;
import b8g.host.manifest.GrantSpec;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.schema.HostCapability;
import b8g.memory.Region;
import b8g.memory.Ring;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * The host's side of the grants served by a pump: standard streams and files. For each STDIN,
 * STDOUT, STDERR and (non-mapped) file grant a ring (shared memory when its component runs in a
 * worker) and a {@link Pump} between it and a descriptor; for a mapped file grant a region (the
 * file mapped shared, or a private copy). Made once when the host opens, before any component
 * starts, so the roots {@link GrantResolver} hands out are ordinary channel ends and regions. A
 * stream served so belongs to its first holder's life: once that component has ended for good
 * (or stdout was closed) the pump is over, and a restarted holder finds the end broken.
 *
 * <p>Files opened at run time under a directory grant ({@link #open}) get their rings and pumps
 * then, on a thread of their own, and are delivered to the component as a turn. Their ends are
 * held in {@link ChannelEnds} by the component, so its end stops their pumps and closes the files.
 */
final class IoGrants {
  /** Ring data capacity of a stdio or file grant's ring: 16 records of the default 64 KiB chunk. */
  static final int RING_CAPACITY = 1 << 20;
  /** Ring data capacity for a file opened at run time. */
  static final int OPENED_CAPACITY = 256 * 1024;
  /** Files a component may have open at once through directory grants. */
  static final int MAX_OPEN_PER_COMPONENT = 64;
  /** Opens of one component waiting for an opener thread or in progress, at most. */
  static final int MAX_PENDING_OPENS = 16;
  /** Threads opening files for every component. */
  private static final int OPENERS = 4;
  /** How long a closing host lets output pumps write what components left in their rings. */
  static final Duration DRAIN = Duration.ofSeconds(10);

  private final Resources resources;
  private final ChannelEnds ends;
  private final Events events;
  private final Map<String, Ring> rings = new HashMap<>();
  private final Map<String, Region> regions = new HashMap<>();
  private final List<Pump> inbound = new ArrayList<>();
  private final List<Pump> outbound = new ArrayList<>();
  private final Map<Component, List<Pump>> opened = new HashMap<>();
  /**
   * A few threads, so that one open stuck in the kernel (a special file put there after the type
   * check) holds up one thread, not every component's opens.
   */
  private final ExecutorService opener = Executors.newFixedThreadPool(OPENERS, r -> {
    Thread t = new Thread(r, "b8g-io-open");
    t.setDaemon(true);
    return t;
  });
  /** Opens asked for and not yet settled, by component: at most {@link #MAX_PENDING_OPENS} each. */
  private final Map<Component, Integer> pending = new HashMap<>();
  private Stdio stdio;
  private boolean closed;

  IoGrants(Resources resources, ChannelEnds ends, Events events) {
    this.resources = resources;
    this.ends = ends;
    this.events = events;
  }

  /**
   * Makes the rings, regions and pumps for every stdio and file grant of {@code manifest}; {@code
   * inWorker} says which components run in a worker process. The process's own descriptors are
   * taken only when a grant needs them (and {@code given} is null). A file is checked again here
   * (inside the manifest's directory, no symbolic link) and opened without following a link.
   */
  synchronized void open(LoadedManifest manifest, Predicate<ComponentSpec> inWorker, Stdio given) {
    for (ComponentSpec c : manifest.components()) {
      boolean shared = inWorker.test(c);
      for (GrantSpec g : c.grants()) {
        HostCapability host = g.host().orElse(null);
        if (host == HostCapability.STDIN || host == HostCapability.STDOUT || host == HostCapability.STDERR) {
          if (stdio == null) {
            stdio = given != null ? given : Stdio.process();
          }
          String name = host.name().toLowerCase(Locale.ROOT);
          Ring ring = resources.openIo(name, RING_CAPACITY, shared);
          rings.put(key(g), ring);
          String pumpName = name + "-" + c.name();
          if (host == HostCapability.STDIN) {
            inbound.add(Pump.inbound(pumpName, stdio.in(), ring, Pump.DEFAULT_CHUNK, false));
          } else {
            var sink = host == HostCapability.STDOUT ? stdio.out() : stdio.err();
            outbound.add(Pump.outbound(pumpName, ring, sink, stdio.lockOf(sink), false));
          }
        } else if (g.kind() == GrantSpec.Kind.FILE && !g.isDirectory()) {
          openFile(manifest.directory(), g, shared);
        }
      }
    }
  }

  private void openFile(Path directory, GrantSpec g, boolean shared) {
    Path file = g.paths().get(0);
    String name = "file " + PathScope.shown(directory, file);
    // Checked again at use: a link put there since the manifest was loaded is refused.
    Path checked = FileOpen.confine(file.getParent(), file.getFileName().toString());
    if (!checked.startsWith(directory)) {
      throw new B8gException(B8gException.Category.CAPABILITY, "capability.path", name + " leads outside the manifest's directory");
    }
    boolean reads = g.rights().contains(b8g.host.manifest.schema.Right.READ);
    boolean writes = g.rights().contains(b8g.host.manifest.schema.Right.WRITE);
    boolean appends = g.rights().contains(b8g.host.manifest.schema.Right.APPEND);
    boolean creates = g.rights().contains(b8g.host.manifest.schema.Right.CREATE);
    if (g.map()) {
      regions.put(key(g), writes ? Region.mapFile(name, checked) : copyOf(name, checked, shared));
      return;
    }
    int flags = reads ? FileOpen.READ : writes ? FileOpen.WRITE | FileOpen.TRUNCATE : FileOpen.APPEND;
    if (creates && !reads) {
      flags |= FileOpen.CREATE;
    }
    EnumSet<Right> rights = EnumSet.of(Right.READ, Right.WRITE, Right.APPEND, Right.CREATE);
    FileOpen.Opened o = FileOpen.open(checked.getParent(), rights, checked.getFileName().toString(), flags);
    Ring ring = resources.openIo(name, RING_CAPACITY, shared);
    rings.put(key(g), ring);
    if (reads) {
      inbound.add(Pump.inbound(name, o.reading(), ring, Pump.DEFAULT_CHUNK, true));
    } else {
      outbound.add(Pump.outbound(name, ring, o.writing(), null, true));
    }
  }

  /**
   * A private copy of a file in new memory (shared with workers when {@code shared}): what a
   * READ-only mapped grant gives, so JS never holds memory it may not write, and no one else's
   * truncation of the file can fault an access to it.
   */
  private static Region copyOf(String name, Path file, boolean shared) {
    FileOpen.requireRegular(file, name);
    try (FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      long size = ch.size();
      Region r = shared ? Region.shared(name, Math.max(1, size)) : Region.anonymous(name, Math.max(1, size));
      ByteBuffer into = r.byteBuffer();
      into.limit((int) Math.min(size, into.capacity()));
      while (into.hasRemaining() && ch.read(into) >= 0) {
        // Straight from the file into the region's memory.
      }
      return r;
    } catch (IOException e) {
      throw new B8gException(B8gException.Category.CAPABILITY, "file.io", "cannot read " + name + ": " + e.getMessage());
    }
  }

  /** The ring serving {@code g} (a stdio or file grant). */
  synchronized Ring ring(GrantSpec g) {
    Ring r = rings.get(key(g));
    if (r == null) {
      throw new IllegalStateException("no ring for the grant env." + g.env() + " of " + g.component());
    }
    return r;
  }

  /** The region of a mapped file grant. */
  synchronized Region region(GrantSpec g) {
    Region r = regions.get(key(g));
    if (r == null) {
      throw new IllegalStateException("no region for the grant env." + g.env() + " of " + g.component());
    }
    return r;
  }

  /**
   * Opens {@code path} below {@code directory} (a DIRECTORY capability) for {@code source}, off
   * the component's thread, and settles request {@code id} with the ends or an error. Revoking the
   * directory revokes what was opened through it.
   */
  void open(Component source, Capability directory, String path, int flags, long id) {
    synchronized (this) {
      int n = pending.getOrDefault(source, 0);
      if (n >= MAX_PENDING_OPENS) {
        source.settle(id, "open:", Map.of(), List.of(), "capability.limit", "cannot open \"" + FileOpen.shown(path) + "\": "
            + MAX_PENDING_OPENS + " opens are pending already; await some first");
        return;
      }
      pending.put(source, n + 1);
    }
    try {
      opener.execute(() -> {
        try {
          openNow(source, directory, path, flags, id);
        } finally {
          settled(source);
        }
      });
    } catch (RejectedExecutionException e) {
      settled(source);
      source.settle(id, "open:", Map.of(), List.of(), "capability.revoked", "the host is shutting down");
    }
  }

  private synchronized void settled(Component source) {
    pending.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
  }

  private void openNow(Component source, Capability directory, String path, int flags, long id) {
    Map<String, Capability> caps = new LinkedHashMap<>();
    try {
      if (directory.revoked()) {
        throw new B8gException(B8gException.Category.CAPABILITY, "capability.revoked", "the directory was revoked");
      }
      synchronized (this) {
        List<Pump> mine = opened.computeIfAbsent(source, k -> new ArrayList<>());
        mine.removeIf(p -> !p.isAlive());
        if (closed) {
          throw new B8gException(B8gException.Category.CAPABILITY, "capability.revoked", "the host is shutting down");
        }
        if (mine.size() + 2 > MAX_OPEN_PER_COMPONENT * 2) {
          throw new B8gException(B8gException.Category.CAPABILITY, "capability.limit", "cannot open \"" + path + "\": "
              + MAX_OPEN_PER_COMPONENT + " files are open already; close some first");
        }
      }
      DirectoryScope scope = directory.target(DirectoryScope.class);
      FileOpen.Opened o = FileOpen.open(scope.real(), directory.rights(), path, flags);
      boolean handed = false;
      try {
        String name = "file " + PathScope.shown(scope.base(), o.file());
        synchronized (this) {
          List<Pump> mine = opened.get(source);
          if (o.reading() != null) {
            Ring ring = resources.openIo(name, OPENED_CAPACITY, false);
            caps.put("reader", Capability.root(Capability.Kind.CHANNEL_READER, ring, EnumSet.of(Right.READ)));
            mine.add(Pump.inbound(name, o.reading(), ring, Pump.DEFAULT_CHUNK, true));
          }
          if (o.writing() != null) {
            Ring ring = resources.openIo(name, OPENED_CAPACITY, false);
            caps.put("writer", Capability.root(Capability.Kind.CHANNEL_WRITER, ring, EnumSet.of(Right.WRITE)));
            mine.add(Pump.outbound(name, ring, o.writing(), null, true));
          }
        }
        handed = true; // the pumps own the descriptors now and close them when they stop
      } finally {
        if (!handed) {
          o.close();
        }
      }
      for (Capability cap : caps.values()) {
        ends.hold(cap, source);
        // Revoking the directory takes back what was opened through it; the pump then stops.
        directory.onRevoke(cap::revoke);
        Ring ring = cap.target(Ring.class);
        boolean reader = cap.kind() == Capability.Kind.CHANNEL_READER;
        cap.onRevoke(reader ? ring::markReaderGone : ring::markWriterGone);
      }
      events.emit(HostEvent.Kind.GRANTED, source.name(), "opened " + path + " (" + String.join(" and ", caps.keySet()) + ")",
          HostEvent.fields("capability", "file", "target", path, "ends", List.copyOf(caps.keySet()), "opened", true));
      if (source.status() != null) {
        // Ended meanwhile: nothing will release these ends for it.
        caps.values().forEach(Capability::revoke);
        return;
      }
      source.settle(id, "open:", caps, List.of(), null, null);
    } catch (B8gException e) {
      caps.values().forEach(Capability::revoke);
      source.settle(id, "open:", Map.of(), List.of(), e.code(), e.getMessage());
    } catch (RuntimeException e) {
      caps.values().forEach(Capability::revoke);
      source.settle(id, "open:", Map.of(), List.of(), "file.io", "cannot open \"" + path + "\": the host failed to open it");
    }
  }

  /** Whether a stdout pump stopped because its reader closed standard output (EPIPE). */
  synchronized boolean stdoutClosedEarly() {
    return outbound.stream().anyMatch(p -> p.name().startsWith("stdout") && p.outcome().startsWith("sink closed"));
  }

  /**
   * Lets output pumps write out what ended components left (up to {@link #DRAIN}), then stops
   * every pump and releases the mapped files. Call once every component has ended and before the
   * rings' memory is released.
   */
  void close() {
    opener.shutdownNow();
    List<Pump> out;
    List<Pump> in;
    synchronized (this) {
      closed = true;
      out = new ArrayList<>(outbound);
      in = new ArrayList<>(inbound);
      for (List<Pump> mine : opened.values()) {
        for (Pump p : mine) {
          (p.outbound() ? out : in).add(p);
        }
      }
    }
    long deadline = System.nanoTime() + DRAIN.toNanos();
    try {
      for (Pump p : out) {
        if (!p.finish(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())))) {
          resources.retainIo(p.ring()); // blocked in a write nobody reads: its ring stays
        }
      }
      for (Pump p : in) {
        if (!p.stop()) {
          // Still blocked in a read of standard input: its ring stays (the process is ending).
          resources.retainIo(p.ring());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // Interrupted, a pump's stop cannot wait for its thread: the ring of a pump still alive stays.
      for (List<Pump> pumps : List.of(out, in)) {
        for (Pump p : pumps) {
          p.close();
          if (p.isAlive()) {
            resources.retainIo(p.ring());
          }
        }
      }
    }
    synchronized (this) {
      regions.values().forEach(Region::close);
    }
  }

  private static String key(GrantSpec g) {
    return g.component() + "\u0000" + g.env();
  }

  /** What a DIRECTORY capability reaches: the directory (real path) and the manifest's directory. */
  record DirectoryScope(Path base, Path real) {}
}
