package b8g.snapshots;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Brings an image's bytes in, from a file (mapped read-only) or from memory (a private heap copy),
 * refusing more than {@link StackImage.Limits#maxImageBytes()} before mapping or allocating, and
 * turning I/O failures into {@link ImageException}s that name the file.
 *
 * <p><b>Why a file is mapped, and what that means for the checks.</b> Reading a 16 MiB image into
 * the heap cost more than everything else a restore does (zeroing, copying, then copying again into
 * fresh region memory); a mapping is verified in place and copied once, into the region. The checks
 * are only worth something if the bytes later used are the bytes that were checked, and a mapped
 * file can change after the check if another process rewrites it in place (b8g's writer never
 * does: it renames a new file over the old one, and a mapping keeps the old file). So:
 *
 * <ul>
 *   <li>V8 context blobs are copied out of the mapping and their checksum is verified again on the
 *       copy ({@link StackImage#contextBytes}) before V8 sees a byte of it;
 *   <li>region bytes are copied once, from the mapping into the fresh region: a rewrite in place
 *       between the check and that copy could put unchecked <em>data</em> into a region (never code,
 *       never anything V8 deserializes), as a component with write rights to it could;
 *   <li>checksums over a mapping are computed on chunks copied out of it ({@link Checksums}), so a
 *       file truncated in place under the reader raises an error ({@link #truncatedWhileRead})
 *       instead of a fault inside a checksum intrinsic.
 * </ul>
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

  /** The whole file at {@code path}, mapped read-only, its size capped before mapping. */
  static ByteBuffer map(Path path, StackImage.Limits limits) {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      // Size comes from the file system, not from the image, and is capped before mapping.
      if (size > limits.maxImageBytes()) {
        throw tooLarge(path.toString(), size, limits);
      }
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
    } catch (NoSuchFileException e) {
      throw new ImageException(ImageException.IO, path + ": no such stack image file", e);
    } catch (IOException e) {
      throw new ImageException(
          ImageException.IO, path + ": cannot read stack image: " + e.getMessage(), e);
    }
  }

  /**
   * What a read of a mapping past a truncation in place becomes (the JVM raises an {@link
   * InternalError} for a fault in a bulk copy out of a mapped buffer).
   */
  static ImageException truncatedWhileRead(String source, InternalError e) {
    return new ImageException(
        ImageException.TRUNCATED, source + ": the file was cut short while being read; is another process writing it?", e);
  }
}
