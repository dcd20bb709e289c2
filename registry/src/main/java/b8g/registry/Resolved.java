package b8g.registry;

import b8g.errors.Printable;
import com.google.gson.JsonObject;
import java.util.Map;

/** A manifest or index a reference named: its bytes (digest-checked by whoever read them), digest and types. */
record Resolved(byte[] bytes, String digest, String mediaType, String artifactType) {

  /** Reads the types from {@code bytes}, which must parse as an OCI manifest or index. */
  static Resolved of(byte[] bytes, String digest, String what) {
    JsonObject o = OciJson.parseObject(bytes, what);
    String declared = o.has("mediaType") && o.get("mediaType").isJsonPrimitive() ? o.get("mediaType").getAsString() : null;
    if (OciJson.isIndex(declared, o)) {
      return new Resolved(bytes, digest, OciJson.parseIndex(o, what).mediaType(), null);
    }
    OciJson.Manifest m = OciJson.parseManifest(bytes, what);
    return new Resolved(bytes, digest, m.mediaType(), m.artifactType());
  }

  Descriptor descriptor() {
    return new Descriptor(mediaType, digest, bytes.length, artifactType, Map.of());
  }

  /** The manifest, refused unless it is a b8g unit (not an index, unit artifact type or config). */
  OciJson.Manifest unitManifest(String what) {
    if (MediaTypes.isIndex(mediaType)) {
      throw new RegistryException(RegistryException.BAD_UNIT, what + " is an image index, not a b8g unit");
    }
    OciJson.Manifest m = OciJson.parseManifest(bytes, what);
    if (!MediaTypes.UNIT.equals(m.artifactType()) && !MediaTypes.UNIT_CONFIG.equals(m.config().mediaType())) {
      throw new RegistryException(RegistryException.BAD_UNIT, what + " is not a b8g unit (artifactType "
          + Printable.quoted(m.artifactType()) + ", config " + Printable.quoted(m.config().mediaType()) + ")");
    }
    return m;
  }
}
