package b8g.capabilities;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An unforgeable reference to a resource with a set of rights. Capabilities form a derivation tree:
 * {@link #attenuate} and {@link #derive} make children, and {@link #revoke} revokes a capability and
 * every capability derived from it, running each one's revocation listeners (the component layer
 * uses them to detach the ArrayBuffer views of a revoked region before any memory goes away).
 *
 * <p>Thread-safe. The resource ({@code target}) is owned by the host; a capability never frees it.
 */
public final class Capability {
  /** What the capability designates; decides which operations a JS stub offers. */
  public enum Kind {
    REGION,
    CHANNEL_READER,
    CHANNEL_WRITER,
    RUN,
    WATCH,
    LOG,
    /** The host capability to checkpoint the holding component into a stack image (snapshots). */
    SNAPSHOT,
    /** A directory of files the holder may open at run time, with the rights it carries. */
    DIRECTORY,
    /** Sockets and fetch to the host:port patterns its target (the host's policy) allows. */
    NET,
    /** A client of a service: calls go out on one ring, results come back on another (b8g.components.ServiceBinding). */
    SERVICE,
    /** The serving end of a component's service: the ring pairs of all its clients (b8g.components.ServedService). */
    SERVE
  }

  private static final AtomicLong IDS = new AtomicLong();

  private final long id = IDS.incrementAndGet();
  private final Kind kind;
  private final Object target;
  private final Set<Right> rights;
  private final Capability parent;
  private final List<Capability> children = new ArrayList<>();
  private final List<Runnable> onRevoke = new ArrayList<>();
  private volatile boolean revoked;

  private Capability(Kind kind, Object target, Set<Right> rights, Capability parent) {
    this.kind = kind;
    this.target = target;
    this.rights = Collections.unmodifiableSet(rights.isEmpty() ? EnumSet.noneOf(Right.class) : EnumSet.copyOf(rights));
    this.parent = parent;
  }

  /** A root capability, held by the host, from which grants are derived. */
  public static Capability root(Kind kind, Object target, Set<Right> rights) {
    return new Capability(kind, target, rights, null);
  }

  /** A child with the same rights: what a transfer or a grant hands out, revocable on its own. */
  public Capability derive() {
    return attenuate(rights);
  }

  /**
   * A child with at most {@code narrower} rights.
   *
   * @throws CapabilityException if {@code narrower} asks for a right this capability lacks, or this
   *     capability is revoked
   */
  public Capability attenuate(Set<Right> narrower) {
    if (!rights.containsAll(narrower)) {
      EnumSet<Right> extra = EnumSet.copyOf(narrower);
      extra.removeAll(rights);
      throw new CapabilityException("capability.rights",
          "cannot attenuate to " + extra + ": the capability holds only " + rights);
    }
    Capability child = new Capability(kind, target, narrower, this);
    synchronized (this) {
      if (revoked) {
        throw new CapabilityException("capability.revoked", "capability was revoked");
      }
      children.add(child);
    }
    return child;
  }

  /** Revokes this capability and all derived from it. Idempotent. Listeners run on the calling thread. */
  public void revoke() {
    List<Capability> kids;
    List<Runnable> listeners;
    synchronized (this) {
      if (revoked) {
        return;
      }
      revoked = true;
      kids = new ArrayList<>(children);
      listeners = new ArrayList<>(onRevoke);
      children.clear();
      onRevoke.clear();
    }
    for (Capability c : kids) {
      c.revoke();
    }
    for (Runnable r : listeners) {
      r.run();
    }
  }

  /** Runs {@code listener} when this capability is revoked (at once if it already is). */
  public void onRevoke(Runnable listener) {
    synchronized (this) {
      if (!revoked) {
        onRevoke.add(listener);
        return;
      }
    }
    listener.run();
  }

  public boolean revoked() {
    return revoked;
  }

  public long id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }

  public Set<Right> rights() {
    return rights;
  }

  public boolean has(Right right) {
    return rights.contains(right);
  }

  /** The capability this was derived from, or null for a root. */
  public Capability parent() {
    return parent;
  }

  /** The designated resource, typed by the caller who knows the kind. */
  public <T> T target(Class<T> type) {
    return type.cast(target);
  }

  @Override
  public String toString() {
    return "Capability[" + kind + " #" + id + " " + rights + (revoked ? " revoked" : "") + "]";
  }
}
