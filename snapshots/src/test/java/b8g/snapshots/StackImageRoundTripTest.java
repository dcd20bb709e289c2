package b8g.snapshots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackImageRoundTripTest {
  @TempDir Path dir;

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Test
  void shouldRoundTripEverySectionTypeIncludingSixteenMebibyteRegion() throws Exception {
    byte[] big = Images.random(99, 16 << 20);
    RegionRecord bigRegion =
        new RegionRecord("heap", big.length, RegionRecord.Backing.SHARED_FILE, StackImageDescriptor.RIGHT_READ | StackImageDescriptor.RIGHT_WRITE);
    RegionRecord emptyRegion =
        new RegionRecord("nothing", 0, RegionRecord.Backing.ANONYMOUS, 0);
    Compatibility compat =
        new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", "x86_64", "--max-lazy --no-opt", 3, Map.of("note", "ü"));
    byte[] blob0 = Images.random(5, 12345);
    StackImageWriter w = new StackImageWriter(compat);
    w.manifest("components { name: \"a\" }\n");
    assertEquals(0, w.addContext("a", ByteBuffer.wrap(blob0)));
    assertEquals(1, w.addContext("b, with a comma", ByteBuffer.allocate(0)));
    ByteBuffer direct = ByteBuffer.allocateDirect(big.length);
    direct.put(big).flip();
    assertEquals(0, w.addRegion(bigRegion, direct));
    assertEquals(1, w.addRegion(emptyRegion, ByteBuffer.allocate(0)));
    CapabilityEntry cap = new CapabilityEntry(1, "heap", "region", "heap", 0xFFFF_FFFF);
    w.addCapability(cap);
    Path file = dir.resolve("stack.b8gimage");
    w.writeTo(file);

    StackImage image = StackImage.open(file, new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", "x86_64", "--max-lazy --no-opt", 3));
    assertEquals(2, image.formatMajor());
    assertEquals(1, image.formatMinor());
    assertEquals(Files.size(file), image.fileLength());
    assertEquals(compat, image.compatibility());
    assertTrue(image.compatibilityChecked());
    assertEquals("components { name: \"a\" }\n", image.manifest());
    assertEquals(2, image.componentCount());
    assertArrayEquals(blob0, bytes(image.contextBlob(0)));
    assertEquals(0, image.contextBlob(1).remaining());
    assertEquals(List.of(bigRegion, emptyRegion), image.regions());
    assertArrayEquals(big, bytes(image.regionBytes(0)));
    assertEquals(0, image.regionBytes(1).remaining());
    assertEquals(List.of(cap), image.capabilities());
    assertEquals(List.of("a", "b, with a comma"), image.componentNames());
    assertTrue(image.regionBytes(0).isReadOnly());

    for (SectionEntry s : image.sections()) {
      assertTrue(s.required(), s.typeName());
      assertEquals(0, s.offset() % StackImageDescriptor.SECTION_ALIGNMENT, s.typeName());
      if (s.knownType() == SectionType.REGION_BYTES) {
        assertEquals(0, s.offset() % StackImageDescriptor.PAGE_ALIGNMENT, "region bytes must be page aligned");
      }
      assertEquals(s.length(), image.sectionBytes(s.position()).remaining());
    }
    List<Path> left;
    try (var files = Files.list(dir)) {
      left = files.toList();
    }
    assertEquals(List.of(file), left, "only the image, no temporary file");
  }

  @Test
  void shouldRoundTripEmptySections() throws Exception {
    Path file = dir.resolve("empty.b8gimage");
    new StackImageWriter(Images.HOST).writeTo(file);
    StackImage image = StackImage.open(file, Images.HOST);
    assertEquals("", image.manifest());
    assertEquals(0, image.componentCount());
    assertEquals(List.of(), image.regions());
    assertEquals(List.of(), image.capabilities());
    assertEquals(List.of(), image.componentNames());
    assertEquals(5, image.sections().size());
    SectionEntry manifest = image.sections().get(1);
    assertEquals(SectionType.MANIFEST, manifest.knownType());
    assertEquals(0, manifest.length());
  }

  @Test
  void shouldRoundTripSampleWithEveryTypeAndReadSectionsByIndex() throws Exception {
    byte[] bytes = Images.sampleBytes(dir);
    StackImage image = Images.read(bytes);
    assertEquals(Map.of("built.by", "test"), image.compatibility().extra());
    assertTrue(image.manifest().contains("grüße ✓"));
    assertEquals(Images.SAMPLE_REGIONS, image.regions());
    for (int i = 0; i < Images.SAMPLE_REGIONS.size(); i++) {
      assertArrayEquals(Images.random(10 + i, (int) Images.SAMPLE_REGIONS.get(i).size()), bytes(image.regionBytes(i)));
    }
    assertArrayEquals(Images.random(1, 777), bytes(image.contextBlob(0)));
    assertEquals(3, image.capabilities().size());
    assertEquals(List.of("stage", "sink"), image.componentNames());
    // A section is addressed by its table entry alone: its bytes are at [offset, offset+length).
    Images.Surgery s = new Images.Surgery(bytes);
    int ctx = s.find(SectionType.CONTEXT, 1);
    byte[] direct = java.util.Arrays.copyOfRange(bytes, (int) s.offset(ctx), (int) (s.offset(ctx) + s.length(ctx)));
    assertArrayEquals(Images.random(2, 64), direct);
  }

  @Test
  void shouldVerifyAMappedFileAndTheContextCopyGivenToV8() throws Exception {
    Path file = dir.resolve("mapped.b8gimage");
    Images.sampleWriter().writeTo(file);
    byte[] original = Files.readAllBytes(file);
    Images.Surgery s = new Images.Surgery(original);
    // A flipped byte in a region's bytes on disk is caught when the file is opened.
    int region = s.find(SectionType.REGION_BYTES, 0);
    Path bad = dir.resolve("bad.b8gimage");
    Files.write(bad, new Images.Surgery(original).flip(s.offset(region) + 4999).bytes);
    ImageException e = org.junit.jupiter.api.Assertions.assertThrows(ImageException.class, () -> StackImage.open(bad, Images.HOST));
    assertEquals(ImageException.CHECKSUM, e.code());
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());

    StackImage image = StackImage.open(file, Images.HOST);
    assertArrayEquals(Images.random(1, 777), image.contextBytes(0));
    assertArrayEquals(Images.random(10, 5000), bytes(image.regionBytes(0)));
    // Rewritten in place after the check: the copy for V8 is verified again and refused.
    int ctx = s.find(SectionType.CONTEXT, 0);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) ~original[(int) s.offset(ctx) + 10]}), s.offset(ctx) + 10);
    }
    ImageException changed = org.junit.jupiter.api.Assertions.assertThrows(ImageException.class, () -> image.contextBytes(0));
    assertEquals(ImageException.CHECKSUM, changed.code());
    assertTrue(changed.getMessage().contains("changed after the image was checked"), changed.getMessage());
    // Replaced by a rename (as the writer does): the open image keeps the file it checked.
    Files.write(file, original);
    StackImage again = StackImage.open(file, Images.HOST);
    Images.sampleWriter().manifest("another").writeTo(file);
    assertArrayEquals(Images.random(1, 777), again.contextBytes(0));
    assertArrayEquals(Images.random(2, 64), again.contextBytes(1));
  }

  @Test
  void shouldAcceptNewerMinorWithUnknownOptionalSectionAndOptionalFlag() throws Exception {
    StackImageWriter w = Images.sampleWriter();
    w.addRawSection(4242, 0, 0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
    Path file = dir.resolve("future.b8gimage");
    w.writeTo(file);
    Images.Surgery s = new Images.Surgery(Files.readAllBytes(file));
    s.buf.putShort(StackImageDescriptor.MINOR_OFFSET, (short) 9);
    s.buf.putInt(StackImageDescriptor.FLAGS_OFFSET, 1 << 20); // informational bit: ignored
    s.resealHeader();
    StackImage image = Images.read(s.bytes);
    assertEquals(9, image.formatMinor());
    SectionEntry unknown = image.sections().get(image.sections().size() - 1);
    assertNull(unknown.knownType());
    assertFalse(unknown.required());
    assertEquals("unknown(4242)", unknown.typeName());
    assertEquals(3, image.sectionBytes(unknown.position()).remaining());
    assertEquals(Images.SAMPLE_REGIONS, image.regions());
  }

  @Test
  void shouldWithholdContextBlobsFromAnImageOpenedForInspection() throws Exception {
    Path file = dir.resolve("i.b8gimage");
    Images.sampleWriter().writeTo(file);
    StackImage image = StackImage.openForInspection(file, StackImage.Limits.DEFAULT);
    assertFalse(image.compatibilityChecked());
    ImageException e = org.junit.jupiter.api.Assertions.assertThrows(ImageException.class, () -> image.contextBlob(0));
    assertEquals(ImageException.UNCHECKED, e.code());
    assertTrue(e.getMessage().contains("StackImage.open(path, expected)"));
    int ctx = new Images.Surgery(Files.readAllBytes(file)).find(SectionType.CONTEXT, 0);
    assertEquals(ImageException.UNCHECKED,
        org.junit.jupiter.api.Assertions.assertThrows(ImageException.class, () -> image.sectionBytes(ctx)).code());
    assertEquals(5000, image.regionBytes(0).remaining(), "non-V8 sections stay readable");
  }

  @Test
  void shouldReplaceAnExistingImageAtomically() throws Exception {
    Path file = dir.resolve("s.b8gimage");
    Images.sampleWriter().writeTo(file);
    new StackImageWriter(Images.HOST).writeTo(file);
    assertEquals(0, StackImage.open(file, Images.HOST).componentCount());
  }

  /**
   * A 2.x image with a longer header (128 bytes) and longer table entries (40 bytes), as a newer
   * minor may write: the extra bytes are covered by the checksums and otherwise skipped.
   */
  @Test
  void shouldReadNewerMinorWithLongerHeaderAndLongerEntries() throws Exception {
    byte[] original = Images.sampleBytes(dir);
    Images.Surgery s = new Images.Surgery(original);
    int count = s.count();
    int headerLength = 128;
    int entryLength = 40;
    long shift = StackImageDescriptor.PAGE_ALIGNMENT; // keeps region bytes page aligned
    byte[] out = new byte[(int) (original.length + shift)];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    System.arraycopy(original, 0, out, 0, StackImageDescriptor.HEADER_LENGTH);
    java.util.Arrays.fill(out, StackImageDescriptor.HEADER_LENGTH, headerLength, (byte) 0x77);
    b.putShort(StackImageDescriptor.MINOR_OFFSET, (short) 3);
    b.putInt(StackImageDescriptor.HEADER_LENGTH_OFFSET, headerLength);
    b.putInt(StackImageDescriptor.ENTRY_LENGTH_OFFSET, entryLength);
    b.putLong(StackImageDescriptor.FILE_LENGTH_OFFSET, out.length);
    for (int i = 0; i < count; i++) {
      int e = headerLength + i * entryLength;
      System.arraycopy(original, s.entry(i), out, e, StackImageDescriptor.ENTRY_LENGTH);
      b.putLong(e + StackImageDescriptor.ENTRY_OFFSET_OFFSET, s.offset(i) + shift);
      b.putLong(e + StackImageDescriptor.ENTRY_LENGTH, 0x1122334455667788L); // a field from the future
      System.arraycopy(original, (int) s.offset(i), out, (int) (s.offset(i) + shift), (int) s.length(i));
    }
    Images.Surgery t = new Images.Surgery(out);
    // Surgery copies; seal the copy and read that.
    t.resealTable();
    StackImage image = Images.read(t.bytes);
    assertEquals(3, image.formatMinor());
    assertEquals(headerLength, image.headerLength());
    assertEquals(entryLength, image.entryLength());
    assertEquals(Images.SAMPLE_REGIONS, image.regions());
    assertArrayEquals(Images.random(1, 777), bytes(image.contextBlob(0)));
    // and the extra header bytes are under the header checksum
    Images.Surgery u = new Images.Surgery(t.bytes).flip(100);
    assertEquals(ImageException.CHECKSUM,
        org.junit.jupiter.api.Assertions.assertThrows(ImageException.class, () -> Images.read(u.bytes)).code());
  }
}
