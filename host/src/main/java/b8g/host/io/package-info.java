/**
 * The world outside a component as channel ends: host-side pumps that move bytes between a ring
 * and an OS descriptor (stdin/stdout/stderr, files, sockets), with no Java array in between.
 *
 * <p>Entry point: {@link b8g.host.io.Pump}. May import: {@code b8g.memory}, the error root, the
 * JDK's channels. Knows nothing of V8, manifests or components: the host decides which ring a
 * pump serves and when it stops.
 */
package b8g.host.io;
