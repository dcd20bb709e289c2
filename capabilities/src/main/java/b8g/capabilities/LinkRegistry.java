package b8g.capabilities;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Resolves presented secrets to contexts and throttles guessing. A wrong, rotated or nonexistent
 * secret all get the same {@code link.refused} error. After {@value #FREE_FAILURES} failures a
 * requester must wait before its next attempt, the wait doubling with each further failure up to
 * {@link #MAX_DELAY_NANOS}; a success clears its record.
 *
 * <p>Lookup is by SHA-256 of the key (no ordering or timing relation to the key itself), confirmed
 * by a constant-time comparison. Thread-safe.
 */
public final class LinkRegistry<C> {
  static final int FREE_FAILURES = 3;
  static final long BASE_DELAY_NANOS = 50_000_000L;
  static final long MAX_DELAY_NANOS = 30_000_000_000L;

  private final Map<ByteBuffer, C> byFingerprint = new HashMap<>();
  private final Map<C, Secret> secrets = new HashMap<>();
  private final Map<String, long[]> failures = new HashMap<>(); // requester -> {count, notBeforeNanos}
  private final LongSupplier clock;

  public LinkRegistry() {
    this(System::nanoTime);
  }

  /** With an explicit clock, for tests of the throttle. */
  public LinkRegistry(LongSupplier nanoClock) {
    this.clock = nanoClock;
  }

  /** Registers a context with a fresh secret and returns that secret. */
  public synchronized Secret register(C context) {
    Secret s = new Secret();
    secrets.put(context, s);
    byFingerprint.put(ByteBuffer.wrap(s.fingerprint()), context);
    return s;
  }

  /** Forgets a context; its secret stops matching. */
  public synchronized void unregister(C context) {
    Secret s = secrets.remove(context);
    if (s != null) {
      byFingerprint.remove(ByteBuffer.wrap(s.fingerprint()));
    }
  }

  /** Rotates a context's secret; returns the secret object (same object, new key). */
  public synchronized Secret rotate(C context) {
    Secret s = secrets.get(context);
    if (s == null) {
      throw new CapabilityException("capability.unknown", "no such context");
    }
    byFingerprint.remove(ByteBuffer.wrap(s.fingerprint()));
    s.rotate();
    byFingerprint.put(ByteBuffer.wrap(s.fingerprint()), context);
    return s;
  }

  public synchronized Secret secretOf(C context) {
    return secrets.get(context);
  }

  /**
   * The context whose current secret is {@code presentedHex}.
   *
   * @param requester who asks (the throttle is per requester)
   * @throws CapabilityException {@code link.throttled} while the requester must wait,
   *     {@code link.refused} for any secret that matches nothing
   */
  public synchronized C resolve(String requester, String presentedHex) {
    long now = clock.getAsLong();
    long[] f = failures.get(requester);
    if (f != null && now - f[1] < 0) {
      throw new CapabilityException("link.throttled",
          "too many failed link attempts; retry in " + Math.max(1, (f[1] - now) / 1_000_000) + " ms");
    }
    byte[] presented = Secret.parse(presentedHex);
    C found = null;
    if (presented != null) {
      C candidate = byFingerprint.get(ByteBuffer.wrap(Secret.digest(presented)));
      if (candidate != null && secrets.get(candidate).matches(presented)) {
        found = candidate;
      }
    }
    if (found == null) {
      long[] rec = failures.computeIfAbsent(requester, k -> new long[2]);
      rec[0]++;
      if (rec[0] >= FREE_FAILURES) {
        long delay = Math.min(MAX_DELAY_NANOS, BASE_DELAY_NANOS << Math.min(20, rec[0] - FREE_FAILURES));
        rec[1] = now + delay;
      }
      throw new CapabilityException("link.refused", "link refused: the secret does not open any context");
    }
    failures.remove(requester);
    return found;
  }
}
