package b8g.components;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the prelude's {@code crypto} computes on the host: random bytes from the JVM's CSPRNG,
 * digests and HMACs (java.security and javax.crypto). Data arrives as a read-only view of the
 * caller's buffer, hashed during the call and not kept (no copy of up to {@link #MAX_INPUT} bytes
 * on the host heap); results leave as byte arrays the dispatcher turns into new ArrayBuffers: no
 * Java object reaches JS. Thread-safe (components run on many threads): every call makes its own
 * {@code MessageDigest} or {@code Mac}; {@code SecureRandom} is thread-safe.
 */
final class WebCrypto {
  /** Largest {@code getRandomValues} WebCrypto allows, and so the most one call returns. */
  static final int MAX_RANDOM = 65_536;
  /** Largest input one digest or HMAC call takes (the dispatcher's largest copy). */
  static final int MAX_INPUT = DispatchAdapter.MAX_COPY;

  /** WebCrypto's hash names to the JCA's digest and MAC names; nothing else is accepted. */
  private static final Map<String, String> MAC = Map.of("SHA-1", "HmacSHA1", "SHA-256", "HmacSHA256", "SHA-384", "HmacSHA384", "SHA-512", "HmacSHA512");

  private static final SecureRandom RANDOM = new SecureRandom();

  private WebCrypto() {}

  static byte[] random(int n) {
    byte[] out = new byte[n];
    RANDOM.nextBytes(out);
    return out;
  }

  static byte[] digest(String hash, ByteBuffer data) {
    check(hash);
    try {
      MessageDigest md = MessageDigest.getInstance(hash);
      md.update(data);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new ComponentException("crypto.unsupported", "this JVM has no " + hash);
    }
  }

  static byte[] hmac(String hash, byte[] key, ByteBuffer data) {
    check(hash);
    if (key.length == 0) {
      throw new ComponentException("range", "an HMAC key must not be empty");
    }
    try {
      Mac mac = Mac.getInstance(MAC.get(hash));
      mac.init(new SecretKeySpec(key, MAC.get(hash)));
      mac.update(data);
      return mac.doFinal();
    } catch (java.security.GeneralSecurityException e) {
      throw new ComponentException("crypto.unsupported", "this JVM cannot compute HMAC with " + hash);
    }
  }

  private static void check(String hash) {
    if (!MAC.containsKey(hash)) {
      throw new ComponentException("type", "unknown hash " + hash + "; one of SHA-1, SHA-256, SHA-384, SHA-512");
    }
  }
}
