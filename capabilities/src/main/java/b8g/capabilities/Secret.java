package b8g.capabilities;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A context's 256-bit link key from a CSPRNG. Whoever holds it may link to what the context
 * exported. It is compared in constant time, never printed ({@link #toString} is redacted), and
 * rotatable: after {@link #rotate()} the old value matches nothing.
 *
 * <p>Thread-safe.
 */
public final class Secret {
  /** Length of the key in bytes. */
  public static final int LENGTH = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private volatile byte[] key;

  public Secret() {
    rotate();
  }

  /** Replaces the key; the previous one stops matching at once. */
  public void rotate() {
    byte[] k = new byte[LENGTH];
    RANDOM.nextBytes(k);
    key = k;
  }

  /** Constant-time comparison with a presented key. Any length other than 32 bytes is false. */
  public boolean matches(byte[] presented) {
    byte[] k = key;
    // MessageDigest.isEqual is constant-time in the length of the arrays since JDK 6u17.
    return presented != null && presented.length == LENGTH && MessageDigest.isEqual(k, presented);
  }

  /** The key as 64 lowercase hex digits: the form a component receives and may pass on. */
  public String reveal() {
    return HexFormat.of().formatHex(key);
  }

  /** A lookup digest of the current key, so a table can be indexed without holding keys in order. */
  byte[] fingerprint() {
    return digest(key);
  }

  static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  /** Parses 64 hex digits; anything else yields null (and will match nothing). */
  public static byte[] parse(String hex) {
    if (hex == null || hex.length() != LENGTH * 2) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
