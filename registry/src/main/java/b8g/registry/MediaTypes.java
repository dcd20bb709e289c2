package b8g.registry;

/** Media types and annotation keys b8g writes and reads. Listed in README.md. */
public final class MediaTypes {
  private MediaTypes() {}

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

  /** {@code artifactType} of a b8g unit manifest. */
  public static final String UNIT = "application/vnd.b8g.unit.v1";
  /** Config blob of a unit: {@code {"name", "manifest", "formatVersion"}}. */
  public static final String UNIT_CONFIG = "application/vnd.b8g.unit.config.v1+json";
  /** Layer: the unit's manifest in protobuf text format. */
  public static final String MANIFEST_TXTPB = "application/vnd.b8g.manifest.v1+txtpb";
  /** Layer: the unit's manifest in JSON. */
  public static final String MANIFEST_JSON = "application/vnd.b8g.manifest.v1+json";
  /** Layer: a component script. */
  public static final String SCRIPT = "application/vnd.b8g.script.v1+javascript";
  /** Layer: a file of a component's module graph other than a .js script (.mjs, .cjs, .ts, .mts, .cts, .json, package.json). */
  public static final String MODULE = "application/vnd.b8g.module.v1";
  /** Layer: a stack image. */
  public static final String IMAGE = "application/vnd.b8g.image.v1";
  /** {@code artifactType} of a signature referrer. */
  public static final String SIGNATURE = "application/vnd.b8g.signature.v1";
  /** Layer of a signature referrer: 64 raw Ed25519 signature bytes over the subject digest string. */
  public static final String SIGNATURE_ED25519 = "application/vnd.b8g.signature.v1+ed25519";

  public static final String ANNOTATION_TITLE = "org.opencontainers.image.title";
  public static final String ANNOTATION_CREATED = "org.opencontainers.image.created";
  public static final String ANNOTATION_VERSION = "org.opencontainers.image.version";
  public static final String ANNOTATION_SOURCE = "org.opencontainers.image.source";
  public static final String ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";
  /** On a signature manifest: {@code sha256:<hex>} of the signer's X.509 public key encoding. */
  public static final String ANNOTATION_SIGNER = "vnd.b8g.signature.signer";
  /** On an index.json entry of the embedded store: the subject digest of a stored referrer. */
  public static final String ANNOTATION_REFERRER_SUBJECT = "vnd.b8g.referrer.subject";

  /** Format version written into the unit config; a reader rejects a larger one. */
  public static final int UNIT_FORMAT_VERSION = 1;

  /** An image manifest (OCI or Docker v2 schema 2). */
  static boolean isManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  /** An image index (OCI) or manifest list (Docker). */
  static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
  }
}
