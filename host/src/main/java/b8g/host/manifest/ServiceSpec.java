package b8g.host.manifest;

import java.util.Optional;

/**
 * One declared service.
 *
 * @param name the service's name
 * @param provider the component of the manifest that serves it, or empty when the embedding
 *     application does (a Java object registered with {@code Host.Context.service})
 * @param location where it is declared
 */
public record ServiceSpec(String name, Optional<String> provider, SourceLocation location) {}
