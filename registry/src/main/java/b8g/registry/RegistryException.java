package b8g.registry;

import b8g.errors.B8gException;

/**
 * Every error the registry module raises. The {@link #code()} is stable and is one of the
 * constants below; the message says what is wrong, where, and what to do.
 */
public final class RegistryException extends B8gException {
  private static final long serialVersionUID = 1L;

  /** Bytes do not hash to the digest that names them (a corrupt or altered blob or manifest). */
  public static final String DIGEST_MISMATCH = "registry.digest_mismatch";
  /** A reference, tag, manifest or blob that does not exist. */
  public static final String NOT_FOUND = "registry.not_found";
  /** The registry refused the credentials, or none were configured for it. */
  public static final String UNAUTHORIZED = "registry.unauthorized";
  /** The registry answered with a 5xx status. */
  public static final String SERVER_ERROR = "registry.server_error";
  /** A manifest or blob over the configured size limit. */
  public static final String TOO_LARGE = "registry.too_large";
  /** A reference string that does not follow the grammar in README.md. */
  public static final String BAD_REFERENCE = "registry.bad_reference";
  /** A manifest, index or config that is not valid JSON or not a valid OCI document. */
  public static final String BAD_MANIFEST = "registry.bad_manifest";
  /** An artifact that is not a well-formed b8g unit (wrong type, hostile paths, missing files). */
  public static final String BAD_UNIT = "registry.bad_unit";
  /** The connection failed or was cut. */
  public static final String CONNECTION = "registry.connection";
  /** The registry answered something the distribution protocol does not allow. */
  public static final String PROTOCOL = "registry.protocol";
  /** A local file could not be read or written. */
  public static final String IO = "registry.io";
  /** A credentials or key file that is unsafe or malformed. */
  public static final String CREDENTIALS = "registry.credentials";
  /** A key file that cannot be read as an Ed25519 key. */
  public static final String BAD_KEY = "registry.bad_key";
  /** {@code verify}: the unit carries no b8g signature at all. */
  public static final String UNSIGNED = "registry.unsigned";
  /** {@code verify}: signed, but by none of the trusted keys. */
  public static final String UNTRUSTED_SIGNER = "registry.untrusted_signer";
  /** {@code verify}: a signature by the trusted key that does not match the manifest digest. */
  public static final String BAD_SIGNATURE = "registry.bad_signature";
  /** A request that the current configuration forbids (for example plain http to a remote host). */
  public static final String REFUSED = "registry.refused";

  public RegistryException(String code, String message) {
    super(Category.REGISTRY, code, message);
  }

  public RegistryException(String code, String message, Throwable cause) {
    super(Category.REGISTRY, code, message, cause);
  }

  /** {@link #IO}: a local file operation ({@code what}, naming the path) failed with {@code e}. */
  static RegistryException io(String what, java.io.IOException e) {
    return new RegistryException(IO, what + ": " + e, e);
  }
}
