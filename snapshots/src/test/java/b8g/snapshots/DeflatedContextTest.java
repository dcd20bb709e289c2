package b8g.snapshots;

import static b8g.snapshots.Images.rejects;
import static b8g.snapshots.StackImageDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTEXT sections stored deflated (format 2.1): the round trip, the header flag that keeps a 2.0
 * reader out, and every way a hostile deflated section is refused before anything is inflated past
 * its declared size.
 */
class DeflatedContextTest {
  @TempDir Path dir;

  /** A blob that compresses, like a V8 context does. */
  static final byte[] BLOB = compressible(200_000);

  static byte[] compressible(int n) {
    byte[] b = new byte[n];
    byte[] noise = Images.random(7, n / 8);
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((i % 64 < 48) ? i / 64 : noise[i / 8]);
    }
    return b;
  }

  private byte[] deflatedImage() throws Exception {
    StackImageWriter w = Images.sampleWriter().deflateContexts(1);
    w.addContext("third", ByteBuffer.wrap(BLOB));
    Path p = dir.resolve("deflated.b8gimage");
    w.writeTo(p);
    return Files.readAllBytes(p);
  }

  @Test
  void shouldRoundTripDeflatedContextsAndAnnounceThemInTheHeader() throws Exception {
    byte[] bytes = deflatedImage();
    StackImage image = Images.read(bytes);
    assertEquals(1, image.formatMinor());
    assertEquals(HEADER_FLAG_DEFLATED_SECTIONS, image.flags());
    assertArrayEquals(Images.random(1, 777), bytes(image.contextBlob(0)));
    assertArrayEquals(Images.random(2, 64), image.contextBytes(1));
    assertArrayEquals(BLOB, image.contextBytes(2));
    Images.Surgery s = new Images.Surgery(bytes);
    int third = s.find(SectionType.CONTEXT, 2);
    assertTrue(image.sections().get(third).deflated());
    assertTrue(s.length(third) < BLOB.length / 3, "stored " + s.length(third) + " bytes for " + BLOB.length);
    // Mapped from the file, the same.
    Path p = dir.resolve("deflated.b8gimage");
    assertArrayEquals(BLOB, StackImage.open(p, Images.HOST).contextBytes(2));
    // A writer that does not deflate sets no flag, so a 2.0 reader reads its images.
    assertEquals(0, Images.read(Images.sampleBytes(dir)).flags());
  }

  @Test
  void shouldRejectADeflatedSectionTheHeaderDoesNotAnnounce() throws Exception {
    Images.Surgery s = new Images.Surgery(deflatedImage());
    s.buf.putInt(FLAGS_OFFSET, 0);
    s.resealHeader();
    rejects(s.bytes, ImageException.MALFORMED, "does not announce deflated sections");
  }

  @Test
  void shouldRejectTheDeflatedFlagOnAnythingButAContext() throws Exception {
    Images.Surgery s = new Images.Surgery(deflatedImage());
    int region = s.find(SectionType.REGION_BYTES, 0);
    s.putEntryInt(region, ENTRY_FLAGS_OFFSET, SECTION_FLAG_REQUIRED | SECTION_FLAG_DEFLATED);
    rejects(s.bytes, ImageException.MALFORMED, "only CONTEXT sections may be");
  }

  @Test
  void shouldRefuseADeclaredLengthOverTheLimitBeforeInflating() throws Exception {
    byte[] bytes = deflatedImage();
    StackImage.Limits small = new StackImage.Limits(
        StackImage.Limits.HARD_MAX_IMAGE_BYTES, 1L << 30, BLOB.length - 1, 16L << 20, 4096, 64 * 1024, 1 << 20);
    rejects(bytes, small, ImageException.TOO_LARGE, "declares " + BLOB.length + " inflated bytes, more than the limit");
    Images.Surgery s = new Images.Surgery(bytes);
    int third = s.find(SectionType.CONTEXT, 2);
    s.buf.putLong((int) s.offset(third), -1L);
    s.resealSection(third);
    rejects(s.bytes, ImageException.TOO_LARGE, "declares 18446744073709551615 inflated bytes");
  }

  @Test
  void shouldRejectAStreamThatInflatesToAnotherLength() throws Exception {
    byte[] bytes = deflatedImage();
    Images.Surgery longer = new Images.Surgery(bytes);
    int third = longer.find(SectionType.CONTEXT, 2);
    longer.buf.putLong((int) longer.offset(third), BLOB.length + 1);
    longer.resealSection(third);
    rejects(longer.bytes, ImageException.MALFORMED, "inflates to " + BLOB.length + " bytes, fewer than the " + (BLOB.length + 1));
    Images.Surgery shorter = new Images.Surgery(bytes);
    shorter.buf.putLong((int) shorter.offset(third), BLOB.length - 1);
    shorter.resealSection(third);
    rejects(shorter.bytes, ImageException.MALFORMED, "inflates to more than the " + (BLOB.length - 1) + " bytes");
  }

  @Test
  void shouldRejectABrokenStreamAndBytesAfterItsEnd() throws Exception {
    byte[] bytes = deflatedImage();
    Images.Surgery broken = new Images.Surgery(bytes);
    int third = broken.find(SectionType.CONTEXT, 2);
    int at = (int) broken.offset(third);
    int length = (int) broken.length(third);
    byte[] garbage = Images.random(3, length);
    ByteBuffer.wrap(garbage).order(ByteOrder.LITTLE_ENDIAN).putLong(0, BLOB.length);
    broken.sectionBytes(third, garbage);
    rejects(broken.bytes, ImageException.MALFORMED, "not a valid zlib stream");

    // A valid stream of 3 bytes, then zeros up to the section's length.
    Deflater d = new Deflater(1);
    d.setInput(new byte[] {1, 2, 3});
    d.finish();
    byte[] z = new byte[64];
    int n = d.deflate(z);
    d.end();
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.writeBytes(new byte[] {3, 0, 0, 0, 0, 0, 0, 0});
    content.write(z, 0, n);
    byte[] tail = Arrays.copyOf(content.toByteArray(), length);
    Images.Surgery trailing = new Images.Surgery(bytes);
    trailing.sectionBytes(third, tail);
    rejects(trailing.bytes, ImageException.MALFORMED, (length - 8 - n) + " bytes follow the end of the zlib stream");
    assertEquals(0, at % SECTION_ALIGNMENT);
  }

  @Test
  void shouldNameTheSectionWhenTooShortForItsLength() throws Exception {
    // A deflated empty blob is a valid section; one cut below the 8-byte length field is not.
    StackImageWriter w = new StackImageWriter(Images.HOST).deflateContexts(1);
    w.addContext("empty", ByteBuffer.allocate(0));
    Path p = dir.resolve("empty.b8gimage");
    w.writeTo(p);
    byte[] bytes = Files.readAllBytes(p);
    assertEquals(0, Images.read(bytes).contextBytes(0).length);
    Images.Surgery s = new Images.Surgery(bytes);
    int ctx = s.find(SectionType.CONTEXT, 0);
    s.buf.putLong(s.entry(ctx) + ENTRY_LENGTH_FIELD_OFFSET, 4);
    // the bytes cut off become padding, which must be zero
    Arrays.fill(s.bytes, (int) s.offset(ctx) + 4, (int) s.offset(ctx) + (int) new Images.Surgery(bytes).length(ctx), (byte) 0);
    s.resealSection(ctx);
    rejects(s.bytes, ImageException.MALFORMED, "section " + ctx + " (CONTEXT, id 0): deflated section is 4 bytes, shorter than");
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
