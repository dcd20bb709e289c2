/**
 * Stack images: the file a snapshot of a running stack is written into and restored from.
 *
 * <p>{@link b8g.snapshots.StackImageDescriptor} draws the layout; {@link
 * b8g.snapshots.StackImageWriter} writes an image atomically; {@link b8g.snapshots.StackImage}
 * validates a whole image (and its compatibility with this host) before it hands out a byte;
 * {@link b8g.snapshots.ImageInspector} describes one for {@code b8g image inspect}. Every failure
 * is an {@link b8g.snapshots.ImageException} with a stable code. No V8 code lives here: V8 aborts
 * the process on a blob it cannot restore, so this package is where such blobs are stopped.
 */
package b8g.snapshots;
