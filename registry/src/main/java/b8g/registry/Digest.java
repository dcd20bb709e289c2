package b8g.registry;

import b8g.errors.Printable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests in OCI form ({@code sha256:<64 lowercase hex>}); the only algorithm accepted. */
final class Digest {
  static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

  private Digest() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static String of(byte[] bytes) {
    return format(sha256().digest(bytes));
  }

  static String format(byte[] hash) {
    return "sha256:" + HexFormat.of().formatHex(hash);
  }

  static boolean isValid(String digest) {
    return digest != null && SHA256.matcher(digest).matches();
  }

  /** Rejects anything but a sha256 digest; {@code what} says where it came from. */
  static String check(String digest, String what) {
    if (!isValid(digest)) {
      throw new RegistryException(
          RegistryException.BAD_MANIFEST,
          what + ": " + Printable.quoted(digest) + " is not a sha256 digest (sha256:<64 lowercase hex>)");
    }
    return digest;
  }

  static String hex(String digest) {
    return digest.substring("sha256:".length());
  }

  static void verify(byte[] bytes, String expected, String what) {
    String actual = of(bytes);
    if (!actual.equals(expected)) {
      throw mismatch(expected, actual, what);
    }
  }

  static RegistryException mismatch(String expected, String actual, String what) {
    return new RegistryException(
        RegistryException.DIGEST_MISMATCH,
        what + ": content of " + expected + " hashes to " + actual
            + "; the copy is corrupt or was altered, it was not used");
  }

  /**
   * Counts and hashes what passes through; past {@code limit} bytes it fails, and at the end of
   * the stream it fails unless size and digest are the expected ones. Callers read to the end.
   */
  static final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest md = sha256();
    private final String expected;
    private final long expectedSize;
    private final String what;
    private long count;
    private boolean checked;

    VerifyingInputStream(InputStream in, String expected, long expectedSize, String what) {
      super(in);
      this.expected = expected;
      this.expectedSize = expectedSize;
      this.what = what;
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        finish();
        return -1;
      }
      md.update(b, off, n);
      count += n;
      if (count > expectedSize) {
        throw new RegistryException(
            RegistryException.DIGEST_MISMATCH,
            what + ": " + expected + " is longer than its declared size " + expectedSize
                + "; the copy is corrupt or was altered, it was not used");
      }
      return n;
    }

    @Override
    public long skip(long n) {
      throw new UnsupportedOperationException("a verifying stream is read, not skipped");
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void finish() {
      if (checked) {
        return;
      }
      checked = true;
      if (count != expectedSize) {
        throw new RegistryException(
            RegistryException.DIGEST_MISMATCH,
            what + ": " + expected + " has " + count + " bytes, its descriptor says " + expectedSize
                + "; the copy is truncated or altered, it was not used");
      }
      String actual = format(md.digest());
      if (!actual.equals(expected)) {
        throw mismatch(expected, actual, what);
      }
    }
  }
}
