package b8g.host;

import b8g.host.io.Pump;
import b8g.host.io.Stdio;
import b8g.host.manifest.ComponentSpec;
import b8g.host.manifest.GrantSpec;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.schema.HostCapability;
import b8g.memory.Ring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's side of the grants served by a pump: for each STDIN, STDOUT and STDERR grant a ring
 * (shared memory when its component runs in a worker) and a {@link Pump} between it and the
 * host's descriptor. Made once when the host opens, before any component starts, so the roots
 * {@link GrantResolver} hands out are ordinary channel ends; stopped when the host closes. A
 * stdio stream belongs to the first holder's life: once its component has ended for good (or
 * stdout was closed) the pump is over, and a restarted holder finds the end broken.
 */
final class IoGrants {
  /** Ring data capacity of a stdio ring: 16 records of the default 64 KiB chunk. */
  static final int STDIO_CAPACITY = 1 << 20;
  /** How long a closing host lets output pumps write what components left in their rings. */
  static final Duration DRAIN = Duration.ofSeconds(10);

  private final Resources resources;
  private final Map<String, Ring> rings = new HashMap<>();
  private final List<Pump> inbound = new ArrayList<>();
  private final List<Pump> outbound = new ArrayList<>();
  private Stdio stdio;

  IoGrants(Resources resources) {
    this.resources = resources;
  }

  /**
   * Makes the rings and starts the pumps for every stdio grant of {@code manifest}; {@code
   * inWorker} says which components run in a worker process. The process's own descriptors are
   * taken only when a grant needs them (and {@code given} is null).
   */
  synchronized void open(LoadedManifest manifest, java.util.function.Predicate<ComponentSpec> inWorker, Stdio given) {
    for (ComponentSpec c : manifest.components()) {
      boolean shared = inWorker.test(c);
      for (GrantSpec g : c.grants()) {
        HostCapability host = g.host().orElse(null);
        if (host != HostCapability.STDIN && host != HostCapability.STDOUT && host != HostCapability.STDERR) {
          continue;
        }
        if (stdio == null) {
          stdio = given != null ? given : Stdio.process();
        }
        String name = host.name().toLowerCase(java.util.Locale.ROOT);
        Ring ring = resources.openIo(name, STDIO_CAPACITY, shared);
        rings.put(key(g), ring);
        String pumpName = name + "-" + c.name();
        if (host == HostCapability.STDIN) {
          inbound.add(Pump.inbound(pumpName, stdio.in(), ring, Pump.DEFAULT_CHUNK, false));
        } else {
          var sink = host == HostCapability.STDOUT ? stdio.out() : stdio.err();
          outbound.add(Pump.outbound(pumpName, ring, sink, stdio.lockOf(sink), false));
        }
      }
    }
  }

  /** The ring serving {@code g} (a stdio grant). */
  synchronized Ring ring(GrantSpec g) {
    Ring r = rings.get(key(g));
    if (r == null) {
      throw new IllegalStateException("no ring for the grant env." + g.env() + " of " + g.component());
    }
    return r;
  }

  /** Whether a stdout pump stopped because its reader closed standard output (EPIPE). */
  synchronized boolean stdoutClosedEarly() {
    return outbound.stream().anyMatch(p -> p.outcome().startsWith("sink closed"));
  }

  /**
   * Lets output pumps write out what ended components left (up to {@link #DRAIN}), then stops
   * every pump. Call once every component has ended and before the rings' memory is released.
   */
  synchronized void close() {
    long deadline = System.nanoTime() + DRAIN.toNanos();
    try {
      for (Pump p : outbound) {
        p.finish(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
      }
      for (Pump p : inbound) {
        p.stop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outbound.forEach(Pump::close);
      inbound.forEach(Pump::close);
    }
  }

  private static String key(GrantSpec g) {
    return g.component() + "\u0000" + g.env();
  }
}
