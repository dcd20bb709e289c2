package b8g.snapshots;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Brings an image's bytes into a private heap buffer, from a file or from memory, refusing more
 * than {@link StackImage.Limits#maxImageBytes()} before allocating, and turning I/O failures into
 * {@link ImageException}s that name the file.
 *
 * <p><b>Why the file is read into memory, not mapped.</b> The checks are only worth something if
 * the bytes later handed to V8 are the bytes that were checked. A mapping of a file that another
 * process rewrites or truncates after validation would show unchecked bytes (or kill the JVM with
 * SIGBUS on a read past a truncation). A private heap copy cannot change under us. Restoring a
 * region copies its bytes into fresh shared memory anyway, so a mapping would save little; the
 * format still page-aligns region bytes so a future reader that owns the file (for example one
 * that verified a sealed or read-only file) can map them directly. The cost is memory equal to
 * the image size for the lifetime of the {@link StackImage}, bounded by {@link
 * StackImage.Limits#maxImageBytes()}.
 */
final class ImageBytes {
  private ImageBytes() {}

  /** A private copy of {@code image} from its position to its limit, capped by the limits. */
  static ByteBuffer copy(ByteBuffer image, StackImage.Limits limits) {
    if (image.remaining() > limits.maxImageBytes()) {
      throw tooLarge("<memory>", image.remaining(), limits);
    }
    ByteBuffer copy = ByteBuffer.allocate(image.remaining());
    copy.put(image.duplicate()).flip();
    return copy;
  }

  private static ImageException tooLarge(String source, long size, StackImage.Limits limits) {
    return new ImageException(
        ImageException.TOO_LARGE,
        source + ": image is " + size + " bytes, more than the limit of " + limits.maxImageBytes()
            + " bytes; raise the limit if the image is expected to be this large");
  }

  /** The whole file at {@code path} in a private heap buffer, its size capped before allocating. */
  static ByteBuffer load(Path path, StackImage.Limits limits) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      // Size comes from the file system, not from the image, and is capped before allocating.
      if (size > limits.maxImageBytes()) {
        throw tooLarge(path.toString(), size, limits);
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining()) {
        if (ch.read(buf) < 0) {
          throw new EOFException("file shrank to " + buf.position() + " bytes while being read");
        }
      }
      return buf.flip();
    } catch (NoSuchFileException e) {
      throw new ImageException(ImageException.IO, path + ": no such stack image file", e);
    } catch (EOFException e) {
      throw new ImageException(
          ImageException.TRUNCATED, path + ": " + e.getMessage() + "; is another process writing it?", e);
    } catch (IOException e) {
      throw new ImageException(
          ImageException.IO, path + ": cannot read stack image: " + e.getMessage(), e);
    }
  }
}
