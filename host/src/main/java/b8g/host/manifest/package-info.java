/**
 * Manifests on disk: reading {@code .txtpb} and {@code .json} files into the schema
 * ({@code b8g.host.manifest.schema}), validating them, and resolving them into views the host
 * composes from ({@link b8g.host.manifest.LoadedManifest}).
 *
 * <p>Entry point: {@link b8g.host.manifest.ManifestLoader}. Every failure is a
 * {@link b8g.host.manifest.ManifestException} with a stable code and a {@code file:line:col}
 * location. May import: the schema, protobuf and protobuf-java-util, the error
 * root. Knows nothing of V8.
 */
package b8g.host.manifest;
