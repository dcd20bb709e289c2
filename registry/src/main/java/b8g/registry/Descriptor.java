package b8g.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OCI content descriptor: what a manifest, index or tag points at. Immutable.
 *
 * @param mediaType media type of the referenced content
 * @param digest {@code sha256:<hex>} of the referenced bytes
 * @param size exact byte length of the referenced content
 * @param artifactType artifact type of a referenced manifest, or {@code null}
 * @param annotations annotations (never {@code null}; empty when there are none)
 */
public record Descriptor(
    String mediaType, String digest, long size, String artifactType, Map<String, String> annotations) {
  public Descriptor {
    annotations =
        annotations == null || annotations.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }

  Descriptor(String mediaType, String digest, long size) {
    this(mediaType, digest, size, null, Map.of());
  }

  /** The {@code org.opencontainers.image.title} annotation, or {@code null}. */
  public String title() {
    return annotations.get(MediaTypes.ANNOTATION_TITLE);
  }
}
