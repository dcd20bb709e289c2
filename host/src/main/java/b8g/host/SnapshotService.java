package b8g.host;

import b8g.capabilities.Capability;
import b8g.capabilities.CapabilityException;
import b8g.components.Component;
import b8g.components.ComponentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The snapshot capability: a component asks for a stack image of the whole host in a {@code .b8gi}
 * file inside its scope. The file must not be anything but an earlier image (the image format's
 * magic, {@link ImageWriter#magic}, tells); the image is written off the component's
 * thread, one at a time per component, and the component is told when it is done. Thread-safe.
 */
final class SnapshotService {
  /** The ending every snapshot file name must have. */
  static final String FILE_SUFFIX = ".b8gi";

  private final Host host;
  private final ImageWriter writer;
  private final byte[] magic;
  private final Path base;
  private final Events events;
  private final Set<Component> writing = ConcurrentHashMap.newKeySet();

  /** {@code writer} null: this host writes no images. */
  SnapshotService(Host host, ImageWriter writer, Path base, Events events) {
    this.host = host;
    this.writer = writer;
    this.magic = writer == null ? null : writer.magic();
    this.base = base;
    this.events = events;
  }

  void snapshot(Component source, Capability snapshot, String path, long requestId) {
    if (writer == null) {
      throw new ComponentException("capability.unknown", "this host does not write stack images");
    }
    Path file = snapshot.target(PathScope.class).resolve(path, false);
    // Only stack images: a component must not be able to overwrite a manifest, a script or any
    // other file of the unit through this capability.
    if (!file.getFileName().toString().endsWith(FILE_SUFFIX)) {
      throw new CapabilityException("capability.path", "\"" + path + "\": a snapshot file name must end in " + FILE_SUFFIX);
    }
    if (Files.exists(file) && !isImage(file)) {
      throw new CapabilityException("capability.path", "\"" + path + "\" exists and is not a stack image; it is not replaced");
    }
    if (!writing.add(source)) {
      throw new ComponentException("snapshot.busy", "a snapshot of " + source.name() + " is being taken already");
    }
    // Not on the component's thread: the snapshot waits for the current turn to end.
    Thread t = new Thread(() -> write(source, file, requestId), "b8g-snapshot");
    t.setDaemon(true);
    t.start();
  }

  private void write(Component source, Path file, long requestId) {
    String error = "";
    try {
      writer.write(host, file, ImageWriter.TIMEOUT);
      events.emit(HostEvent.Kind.GRANTED, source.name(), "snapshot written to " + PathScope.shown(base, file),
          HostEvent.fields("capability", "snapshot", "written", PathScope.shown(base, file)));
    } catch (RuntimeException | Error e) {
      // An Error too (a class that does not link, memory): the component must hear either way,
      // or its snapshot promise, and the host's completion, would wait for ever.
      error = e.getMessage() == null ? e.toString() : e.getMessage();
    } finally {
      writing.remove(source);
    }
    source.snapshotDone(requestId, error);
  }

  /** Whether an image is being written (it may wake a component). */
  boolean busy() {
    return !writing.isEmpty();
  }

  /** True if {@code file} starts with the image format's magic. */
  private boolean isImage(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(magic.length), magic);
    } catch (IOException e) {
      return false;
    }
  }
}
