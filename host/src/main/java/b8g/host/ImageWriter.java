package b8g.host;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The seam through which the host writes a whole-host stack image when a component uses its
 * snapshot capability. The host knows no image format: the snapshots module plugs its writer in
 * ({@code Host.Context.imageWriter(Snapshots.imageWriter())}), and every caller pauses the
 * components for at most {@link #TIMEOUT}.
 */
public interface ImageWriter {
  /** How long a snapshot waits for every component to reach a turn boundary. */
  Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * Writes an image of every running manifest component of {@code host} to {@code file},
   * replacing it atomically, waiting at most {@code timeout} for the components to pause.
   *
   * @throws RuntimeException (a {@link b8g.errors.B8gException} with a code) when a component
   *     refused or the file could not be written; the component that asked is told its message
   */
  void write(Host host, Path file, Duration timeout);

  /**
   * How every image of this format starts: an existing file that does not start with it is not an
   * image, and the host never replaces it.
   */
  byte[] magic();
}
