/**
 * Ships b8g units as OCI artifacts: an embedded OCI-layout store under {@code $B8G_HOME/store}
 * and a client for remote OCI distribution registries, with Ed25519 signatures as referrers.
 *
 * <p>Owns: the unit's OCI format ({@link b8g.registry.Unit}, {@link b8g.registry.MediaTypes}),
 * references ({@link b8g.registry.Reference}), the store, the HTTP client, signing. Entry: {@link
 * b8g.registry.Registry} with its nested {@code Context}. May import: {@code b8g.errors} (from
 * shared-memory), Gson, the JDK. Knows nothing of V8, manifests' contents or the CLI.
 * README.md in this module describes the API, media types and reference grammar.
 */
package b8g.registry;
