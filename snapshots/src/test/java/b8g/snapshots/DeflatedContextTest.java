package b8g.snapshots;

import static b8g.snapshots.Images.rejects;
import static b8g.snapshots.StackImageDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    StackImage.Limits small = StackImage.Limits.DEFAULT.withMaxContextBytes(BLOB.length - 1);
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
    rejectsWhenInflated(longer.bytes, ImageException.MALFORMED, "inflates to " + BLOB.length + " bytes, fewer than the " + (BLOB.length + 1));
    Images.Surgery shorter = new Images.Surgery(bytes);
    shorter.buf.putLong((int) shorter.offset(third), BLOB.length - 1);
    shorter.resealSection(third);
    rejectsWhenInflated(shorter.bytes, ImageException.MALFORMED, "inflates to more than the " + (BLOB.length - 1) + " bytes");
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
    rejectsWhenInflated(broken.bytes, ImageException.MALFORMED, "not a valid zlib stream");

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
    rejectsWhenInflated(trailing.bytes, ImageException.MALFORMED, (length - 8 - n) + " bytes follow the end of the zlib stream");
    assertEquals(0, at % SECTION_ALIGNMENT);
  }

  @Test
  void shouldNameTheSectionWhenTooShortForItsLength() throws Exception {
    // An empty blob is stored as is (deflating would make it longer); a deflated section cut
    // below its 8-byte length field is refused.
    StackImageWriter empty = new StackImageWriter(Images.HOST).deflateContexts(1);
    empty.addContext("empty", ByteBuffer.allocate(0));
    Path p = dir.resolve("empty.b8gimage");
    empty.writeTo(p);
    assertEquals(0, Images.read(Files.readAllBytes(p)).contextBytes(0).length);
    StackImageWriter w = new StackImageWriter(Images.HOST).deflateContexts(1);
    w.addContext("zeros", ByteBuffer.allocate(1000));
    w.writeTo(p);
    byte[] bytes = Files.readAllBytes(p);
    assertEquals(1000, Images.read(bytes).contextBytes(0).length);
    Images.Surgery s = new Images.Surgery(bytes);
    int ctx = s.find(SectionType.CONTEXT, 0);
    s.buf.putLong(s.entry(ctx) + ENTRY_LENGTH_FIELD_OFFSET, 4);
    // the bytes cut off become padding, which must be zero
    Arrays.fill(s.bytes, (int) s.offset(ctx) + 4, (int) s.offset(ctx) + (int) new Images.Surgery(bytes).length(ctx), (byte) 0);
    s.resealSection(ctx);
    rejects(s.bytes, ImageException.MALFORMED, "section " + ctx + " (CONTEXT, id 0): deflated section is 4 bytes, shorter than");
  }

  /**
   * Inflating happens when a blob is asked for, not when the image is opened: the image opens (for
   * inspection too), and asking for context 2 is refused.
   */
  private static void rejectsWhenInflated(byte[] image, String code, String phrase) {
    StackImage.readForInspection(ByteBuffer.wrap(image), StackImage.Limits.DEFAULT);
    StackImage opened = Images.read(image);
    ImageException e = assertThrows(ImageException.class, () -> opened.contextBytes(2));
    assertEquals(code, e.code(), () -> "wrong code; message: " + e.getMessage());
    assertTrue(e.getMessage().contains(phrase), () -> "message should contain \"" + phrase + "\" but was: " + e.getMessage());
    assertThrows(ImageException.class, () -> opened.contextBlob(2));
  }

  /** Four contexts of zeros: tiny when deflated, 4 MiB inflated. */
  private byte[] zerosImage(StackImage.Limits limits) {
    StackImageWriter w = new StackImageWriter(Images.HOST, limits).deflateContexts(1);
    for (int i = 0; i < 4; i++) {
      w.addContext("zeros" + i, ByteBuffer.allocate(1 << 20));
    }
    Path p = dir.resolve("zeros.b8gimage");
    w.writeTo(p);
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void shouldRefuseContextsWhoseDeclaredLengthsTogetherExceedTheTotalLimit() throws Exception {
    byte[] bytes = zerosImage(StackImage.Limits.DEFAULT);
    assertTrue(bytes.length < 64 * 1024, "4 MiB of zeros stored in " + bytes.length + " bytes");
    assertEquals(1 << 20, Images.read(bytes).contextBytes(3).length);
    StackImage.Limits total = StackImage.Limits.DEFAULT.withMaxTotalContextBytes((3L << 20) + 1);
    rejects(bytes, total, ImageException.TOO_LARGE, "come to " + (4L << 20) + " bytes (inflated), more than the limit of " + ((3L << 20) + 1));
    assertThrows(ImageException.class, () -> StackImage.readForInspection(ByteBuffer.wrap(bytes), total));
    // The writer applies the same limit.
    ImageException w = assertThrows(ImageException.class, () -> zerosImage(total));
    assertEquals(ImageException.TOO_LARGE, w.code());
    assertTrue(w.getMessage().contains("come to " + (4L << 20) + " bytes"), w.getMessage());

    // Declared lengths raised under resealed checksums, each within the 256 MiB limit, 800 MiB
    // together: refused by the sum before anything is inflated (inflating them would need the
    // memory first and fail only then).
    Images.Surgery s = new Images.Surgery(bytes);
    for (int i = 0; i < 4; i++) {
      int ctx = s.find(SectionType.CONTEXT, i);
      s.buf.putLong((int) s.offset(ctx), 200L << 20);
      s.resealSection(ctx);
    }
    rejects(s.bytes, ImageException.TOO_LARGE, "come to " + (600L << 20) + " bytes (inflated), more than the limit of " + (512L << 20));
  }

  @Test
  void shouldStoreAContextAsIsWhenDeflatingDoesNotMakeItSmaller() throws Exception {
    // Random bytes grow when deflated; stored deflated at exactly the context limit, the reader
    // would refuse what the writer wrote.
    byte[] noise = Images.random(9, 100_000);
    StackImage.Limits limits = StackImage.Limits.DEFAULT.withMaxContextBytes(noise.length);
    StackImageWriter w = new StackImageWriter(Images.HOST, limits).deflateContexts(9);
    w.addContext("noise", ByteBuffer.wrap(noise));
    w.addContext("compresses", ByteBuffer.wrap(Arrays.copyOf(BLOB, noise.length)));
    Path p = dir.resolve("noise.b8gimage");
    w.writeTo(p);
    StackImage image = StackImage.open(p, Images.HOST, limits);
    assertArrayEquals(noise, image.contextBytes(0));
    assertArrayEquals(Arrays.copyOf(BLOB, noise.length), image.contextBytes(1));
    Images.Surgery s = new Images.Surgery(Files.readAllBytes(p));
    assertTrue(!image.sections().get(s.find(SectionType.CONTEXT, 0)).deflated(), "incompressible: stored as is");
    assertTrue(image.sections().get(s.find(SectionType.CONTEXT, 1)).deflated(), "compressible: stored deflated");
    assertEquals(HEADER_FLAG_DEFLATED_SECTIONS, image.flags());
    // Only incompressible contexts: no deflated section, no header flag (a 2.0 reader reads it).
    StackImageWriter only = new StackImageWriter(Images.HOST, limits).deflateContexts(9);
    only.addContext("noise", ByteBuffer.wrap(noise));
    only.writeTo(p);
    assertEquals(0, StackImage.open(p, Images.HOST, limits).flags());
  }

  @Test
  void shouldDeflateLargeContextsInTwoHalvesThatAnyInflaterReadsAsOneStream() throws Exception {
    // A repeating text whose period does not divide the cut, so matches reach across it, then noise
    // at the cut itself: the second half's dictionary must be exactly the first half's tail.
    int n = 3 * DeflatedSection.SPLIT_AT + 12_344; // a multiple of 8, as compressible() needs
    byte[] blob = compressible(n);
    System.arraycopy(Images.random(11, 4_000), 0, blob, n / 2 - 2_000, 4_000);
    for (int level : new int[] {1, 3, 6, 9}) {
      byte[] stored = DeflatedSection.encode(ByteBuffer.wrap(blob), level);
      assertEquals(n, ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
      // The JDK's inflater, with its zlib header and Adler-32 checks, reads it as one stream ...
      java.util.zip.Inflater inf = new java.util.zip.Inflater();
      inf.setInput(stored, DeflatedSection.PREFIX, stored.length - DeflatedSection.PREFIX);
      byte[] out = new byte[n + 1];
      int got = 0;
      while (!inf.finished() && got < out.length) {
        got += inf.inflate(out, got, out.length - got);
      }
      assertTrue(inf.finished(), "level " + level + ": the stream ends");
      assertEquals(0, inf.getRemaining(), "level " + level + ": nothing after it");
      inf.end();
      assertArrayEquals(blob, Arrays.copyOf(out, got), "level " + level);
      // ... and so does the section reader, with every check it makes.
      assertArrayEquals(blob, DeflatedSection.decode(stored, n, "context 0"));
      assertTrue(stored.length < n / 3, "level " + level + ": " + stored.length + " bytes for " + n);
    }
    // Through a whole image, mapped back from its file.
    StackImageWriter w = new StackImageWriter(Images.HOST).deflateContexts(3);
    w.addContext("large", ByteBuffer.wrap(blob));
    Path p = dir.resolve("large.b8gimage");
    w.writeTo(p);
    assertArrayEquals(blob, StackImage.open(p, Images.HOST).contextBytes(0));
    // One flipped bit in the second half's stream is refused, not inflated into other bytes.
    byte[] stored = DeflatedSection.encode(ByteBuffer.wrap(blob), 3);
    stored[stored.length - 100] ^= 0x10;
    assertThrows(ImageException.class, () -> DeflatedSection.decode(stored, n, "context 0"));
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
