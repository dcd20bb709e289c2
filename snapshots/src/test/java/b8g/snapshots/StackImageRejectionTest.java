package b8g.snapshots;

import static b8g.snapshots.Images.rejects;
import static b8g.snapshots.StackImageDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.errors.B8gException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StackImageRejectionTest {
  @TempDir Path dir;
  byte[] image;

  @BeforeEach
  void writeSample() throws IOException {
    image = Images.sampleBytes(dir);
    Images.read(image); // the unmodified image is valid, so each rejection below is the mutation's
  }

  private Images.Surgery surgery() {
    return new Images.Surgery(image);
  }

  @Test
  void shouldRejectTruncatedFileAtSeveralPoints() {
    Images.Surgery s = surgery();
    int region = s.find(SectionType.REGION_BYTES, 0);
    long[] cuts = {
      0, 5, 8, 30, HEADER_LENGTH - 1, HEADER_LENGTH + 10, s.entry(s.count() - 1) + 3,
      s.offset(region) + 100, image.length - 1
    };
    for (long cut : cuts) {
      ImageException e = rejects(Arrays.copyOf(image, (int) cut), ImageException.TRUNCATED, "cut short");
      assertEquals(B8gException.Category.IMAGE, e.category());
    }
  }

  @Test
  void shouldRejectTruncatedFileOnDisk() throws IOException {
    Path p = dir.resolve("cut.b8gimage");
    Files.write(p, Arrays.copyOf(image, image.length / 2));
    ImageException e = assertThrows(ImageException.class, () -> StackImage.open(p, Images.HOST));
    assertEquals(ImageException.TRUNCATED, e.code());
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
  }

  @Test
  void shouldDetectOneFlippedByteInEverySectionByItsChecksum() {
    Images.Surgery s = surgery();
    int checked = 0;
    for (int i = 0; i < s.count(); i++) {
      if (s.length(i) == 0) {
        continue;
      }
      for (long at : new long[] {s.offset(i), s.offset(i) + s.length(i) / 2, s.offset(i) + s.length(i) - 1}) {
        String name = SectionType.fromCode(s.type(i)).name();
        rejects(new Images.Surgery(image).flip(at).bytes, ImageException.CHECKSUM, "section " + i + " (" + name);
      }
      checked++;
    }
    assertEquals(s.count() - 1, checked, "every section but the empty region was flipped");
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 11, 16, 20, 24, 28, 31, 32, 39, 40, 44, 48, 63})
  void shouldDetectFlippedByteInHeader(int position) {
    rejects(surgery().flip(position).bytes, ImageException.CHECKSUM, "header checksum mismatch");
  }

  @Test
  void shouldDetectFlippedByteInEveryTableEntryField() {
    Images.Surgery s = surgery();
    for (int i = 0; i < s.count(); i++) {
      for (int field = 0; field < ENTRY_LENGTH; field++) {
        rejects(new Images.Surgery(image).flip(s.entry(i) + field).bytes, ImageException.CHECKSUM, "section table checksum");
      }
    }
  }

  @Test
  void shouldRejectWrongMagic() {
    rejects(surgery().flip(3).bytes, ImageException.MAGIC, "not a b8g stack image");
    rejects("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.US_ASCII), ImageException.MAGIC, "B8GIMAGE");
  }

  @Test
  void shouldRejectNewerMajorAndZeroMajor() {
    Images.Surgery s = surgery();
    s.buf.putShort(MAJOR_OFFSET, (short) (FORMAT_MAJOR + 1));
    rejects(s.resealHeader().bytes, ImageException.VERSION, "was the image written by a newer version of b8g?");
    s.buf.putShort(MAJOR_OFFSET, (short) 0);
    rejects(s.resealHeader().bytes, ImageException.VERSION, "does not exist");
  }

  @Test
  void shouldRejectOutOfRangeOffsets() {
    Images.Surgery s = surgery();
    int i = s.find(SectionType.MANIFEST, 0);
    rejects(surgery().putEntryLong(i, ENTRY_OFFSET_OFFSET, image.length + 8L).bytes, ImageException.BOUNDS, "outside the file");
    rejects(surgery().putEntryLong(i, ENTRY_LENGTH_FIELD_OFFSET, image.length).bytes, ImageException.BOUNDS, "outside the file");
    rejects(surgery().putEntryLong(i, ENTRY_OFFSET_OFFSET, 16).bytes, ImageException.OVERLAP, "inside the header or section table");
  }

  @Test
  void shouldRejectOffsetPlusLengthOverflow() {
    Images.Surgery s = surgery();
    int i = s.find(SectionType.CAPABILITIES, 0);
    rejects(surgery().putEntryLong(i, ENTRY_LENGTH_FIELD_OFFSET, Long.MAX_VALUE - 4).bytes, ImageException.BOUNDS, "outside the file");
    Images.Surgery t = surgery();
    t.buf.putLong(t.entry(i) + ENTRY_OFFSET_OFFSET, Long.MAX_VALUE - 7);
    rejects(t.putEntryLong(i, ENTRY_LENGTH_FIELD_OFFSET, 16).bytes, ImageException.BOUNDS, "outside the file");
    rejects(surgery().putEntryLong(i, ENTRY_OFFSET_OFFSET, -8).bytes, ImageException.BOUNDS, "outside the file");
    rejects(surgery().putEntryLong(i, ENTRY_LENGTH_FIELD_OFFSET, -1).bytes, ImageException.BOUNDS, "18446744073709551615");
  }

  @Test
  void shouldRejectOverlappingSections() {
    Images.Surgery s = surgery();
    int compat = s.find(SectionType.COMPATIBILITY, 0);
    int manifest = s.find(SectionType.MANIFEST, 0);
    rejects(surgery().putEntryLong(manifest, ENTRY_OFFSET_OFFSET, s.offset(compat) + 8).bytes, ImageException.OVERLAP, "overlaps section");
    int region = s.find(SectionType.REGION_BYTES, 0);
    int ctx = s.find(SectionType.CONTEXT, 0);
    rejects(surgery().putEntryLong(ctx, ENTRY_OFFSET_OFFSET, s.offset(region)).bytes, ImageException.OVERLAP, "overlaps");
  }

  @Test
  void shouldRejectMisalignedRegionBytes() {
    Images.Surgery s = surgery();
    int region = s.find(SectionType.REGION_BYTES, 0);
    s.buf.putLong(s.entry(region) + ENTRY_OFFSET_OFFSET, s.offset(region) + 8);
    s.putEntryLong(region, ENTRY_LENGTH_FIELD_OFFSET, s.length(region) - 8);
    rejects(s.bytes, ImageException.ALIGNMENT, "not a multiple of 4096");
  }

  @Test
  void shouldRejectNonZeroPaddingAndTrailingBytes() {
    Images.Surgery s = surgery();
    int region = s.find(SectionType.REGION_BYTES, 0);
    rejects(surgery().flip(s.offset(region) - 1).bytes, ImageException.PADDING, "must be zero");
    byte[] longer = Arrays.copyOf(image, image.length + 8);
    rejects(longer, ImageException.BOUNDS, "trailing bytes");
  }

  @Test
  void shouldRejectAbsurdCountsAndLengths() {
    Images.Surgery s = surgery();
    s.buf.putInt(SECTION_COUNT_OFFSET, -1);
    rejects(s.resealHeader().bytes, ImageException.TOO_LARGE, "4294967295 sections, more than the limit of 4096");
    Images.Surgery t = surgery();
    t.buf.putLong(FILE_LENGTH_OFFSET, 1L << 62);
    rejects(t.resealHeader().bytes, ImageException.TOO_LARGE, "more than the limit");
    Images.Surgery u = surgery();
    u.buf.putInt(ENTRY_LENGTH_OFFSET, 1 << 30);
    rejects(u.resealHeader().bytes, ImageException.BOUNDS, "entry length");
    Images.Surgery v = surgery();
    v.buf.putInt(HEADER_LENGTH_OFFSET, Integer.MAX_VALUE);
    rejects(v.bytes, ImageException.BOUNDS, "header length");
    Images.Surgery w = surgery();
    w.buf.putInt(SECTION_COUNT_OFFSET, 4000);
    rejects(w.resealHeader().bytes, ImageException.BOUNDS, "section table ends at");
  }

  @Test
  void shouldRejectAbsurdCountsInsideSections() {
    Images.Surgery s = surgery();
    int regions = s.find(SectionType.REGION_RECORDS, 0);
    int at = (int) s.offset(regions);
    Images.Surgery a = surgery();
    a.buf.putInt(at, Integer.MAX_VALUE);
    rejects(a.resealSection(regions).bytes, ImageException.TOO_LARGE, "region count is 2147483647");
    Images.Surgery b = surgery();
    b.buf.putInt(at, 1000);
    rejects(b.resealSection(regions).bytes, ImageException.BOUNDS, "region count is 1000 but only");
    Images.Surgery c = surgery();
    c.buf.putInt(at + 4, -16); // first region's name length: 4 GiB - 16
    rejects(c.resealSection(regions).bytes, ImageException.TOO_LARGE, "region 0 name is 4294967280 bytes");
    Images.Surgery d = surgery();
    d.buf.putInt(at + 4, 60000); // under the string limit, past the section's end
    rejects(d.resealSection(regions).bytes, ImageException.BOUNDS, "needs 60000 bytes");
  }

  @Test
  void shouldRejectMalformedSectionContent() {
    Images.Surgery s = surgery();
    int manifest = s.find(SectionType.MANIFEST, 0);
    byte[] bad = new byte[(int) s.length(manifest)];
    Arrays.fill(bad, (byte) 0xff);
    rejects(surgery().sectionBytes(manifest, bad).bytes, ImageException.MALFORMED, "not valid UTF-8");

    int regions = s.find(SectionType.REGION_RECORDS, 0);
    Images.Surgery t = surgery();
    // region 0: count(4) nameLen(4) "frames"(6) size(8) backing(4)
    t.buf.putInt((int) s.offset(regions) + 4 + 4 + 6 + 8, 77);
    rejects(t.resealSection(regions).bytes, ImageException.MALFORMED, "unknown backing code 77");

    int compat = s.find(SectionType.COMPATIBILITY, 0);
    rejects(surgery().putEntryInt(compat, ENTRY_TYPE_OFFSET, 999).putEntryInt(compat, ENTRY_FLAGS_OFFSET, 0).bytes,
        ImageException.MALFORMED, "no COMPATIBILITY section");

    int ctx1 = s.find(SectionType.CONTEXT, 1);
    rejects(surgery().putEntryInt(ctx1, ENTRY_ID_OFFSET, 0).bytes, ImageException.MALFORMED, "out of range or taken");
  }

  @Test
  void shouldRejectRegionBytesThatDoNotMatchTheirDescriptor() {
    Images.Surgery s = surgery();
    int regions = s.find(SectionType.REGION_RECORDS, 0);
    // region 0: count(4) nameLen(4) "frames"(6) size(8): say 4000 where 5000 bytes are stored
    s.buf.putLong((int) s.offset(regions) + 4 + 4 + 6, 4000);
    rejects(s.resealSection(regions).bytes, ImageException.MALFORMED, "holds 5000 bytes but region \"frames\" is 4000 bytes");
  }

  @Test
  void shouldRejectRegionLargerThanAllowed() {
    rejects(image, StackImage.Limits.DEFAULT.withMaxRegionBytes(4096), ImageException.TOO_LARGE, "more than the limit of 4096");
    StackImageWriter w = new StackImageWriter(Images.HOST, StackImage.Limits.DEFAULT.withMaxRegionBytes(4096));
    w.addRegion(new RegionRecord("big", 4097, RegionRecord.Backing.ANONYMOUS, RIGHT_READ), ByteBuffer.allocate(4097));
    ImageException e = assertThrows(ImageException.class, () -> w.writeTo(dir.resolve("big.b8gimage")));
    assertEquals(ImageException.TOO_LARGE, e.code());
    assertTrue(e.getMessage().contains("region \"big\" is 4097 bytes"), e.getMessage());
    // The 1 GiB default is checked from the descriptor alone: no gigabyte is allocated here.
    Images.Surgery s = surgery();
    int regions = s.find(SectionType.REGION_RECORDS, 0);
    s.buf.putLong((int) s.offset(regions) + 4 + 4 + 6, (1L << 30) + 1);
    rejects(s.resealSection(regions).bytes, ImageException.TOO_LARGE, "region \"frames\" is 1073741825 bytes");
  }

  @Test
  void shouldRejectImageLargerThanConfiguredTotal() {
    rejects(image, StackImage.Limits.DEFAULT.withMaxImageBytes(4096), ImageException.TOO_LARGE, "more than the limit of 4096 bytes");
  }

  @Test
  void shouldRejectUnknownRequiredSectionAndUnknownRequiredFlag() throws IOException {
    StackImageWriter w = Images.sampleWriter();
    w.addRawSection(4242, SECTION_FLAG_REQUIRED, 0, ByteBuffer.wrap(new byte[] {1}));
    Path p = dir.resolve("req.b8gimage");
    w.writeTo(p);
    rejects(Files.readAllBytes(p), ImageException.INCOMPATIBLE, "unknown(4242)");
    rejects(Files.readAllBytes(p), ImageException.INCOMPATIBLE, "newer version of b8g");
    Images.Surgery s = surgery();
    s.buf.putInt(FLAGS_OFFSET, 1 << 3);
    rejects(s.resealHeader().bytes, ImageException.INCOMPATIBLE, "header flags 0x00000008");
  }

  @Test
  void shouldRejectDifferentV8VersionNamingBothValues() {
    Compatibility other = new Compatibility("v8-i18n", "5.0.6", "14.8.1.0", "linux", "x86_64", "--max-lazy", 1);
    ImageException e = assertThrows(ImageException.class, () -> StackImage.read(ByteBuffer.wrap(image), other, StackImage.Limits.DEFAULT));
    assertEquals(ImageException.INCOMPATIBLE, e.code());
    assertTrue(e.getMessage().contains("V8 version \"14.7.173.20\""), e.getMessage());
    assertTrue(e.getMessage().contains("\"14.8.1.0\""), e.getMessage());
  }

  @Test
  void shouldRejectAnImageOfTheOtherEngineBuildNamingBoth() {
    Compatibility withoutIcu = new Compatibility("v8", "5.0.6", "14.7.173.20", "linux", "x86_64", "--max-lazy", 1);
    ImageException e = assertThrows(ImageException.class, () -> StackImage.read(ByteBuffer.wrap(image), withoutIcu, StackImage.Limits.DEFAULT));
    assertEquals(ImageException.INCOMPATIBLE, e.code());
    assertTrue(e.getMessage().contains("V8 build \"v8-i18n\" (with ICU) but this host runs \"v8\" (without ICU)"), e.getMessage());
  }

  @Test
  void shouldReadAnImageThatDoesNotNameItsEngineAsTheBuildWithoutIcu() {
    // Written as images were before the engine was recorded: the same keys, no "engine".
    SectionOut out = new SectionOut(StackImage.Limits.DEFAULT, "COMPATIBILITY");
    String[][] keys = {{"javet.version", "5.0.6"}, {"v8.version", "14.7.173.20"}, {"os", "linux"}, {"arch", "x86_64"},
        {"v8.flags", "--max-lazy"}, {"abi.version", "3"}};
    out.u32(keys.length);
    for (String[] kv : keys) {
      out.str("key", kv[0]);
      out.str("value", kv[1]);
    }
    Compatibility old = SectionCodec.decodeCompatibility(
        new SectionIn(ByteBuffer.wrap(out.toByteArray()), StackImage.Limits.DEFAULT, "COMPATIBILITY"));
    assertEquals("v8", old.engine());
    Compatibility here = new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", "x86_64", "--max-lazy", 3);
    ImageException e = assertThrows(ImageException.class, () -> old.requireCompatibleWith(here));
    assertTrue(e.getMessage().contains("\"v8\" (without ICU) but this host runs \"v8-i18n\" (with ICU)"), e.getMessage());
  }

  @Test
  void shouldRejectOtherJavetAbiPlatformOrFlags() {
    List<Compatibility> others =
        List.of(
            new Compatibility("v8-i18n", "5.0.7", "14.7.173.20", "linux", "x86_64", "--max-lazy", 1),
            new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", "x86_64", "--max-lazy", 2),
            new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", "aarch64", "--max-lazy", 1),
            new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", "x86_64", "", 1));
    String[] phrases = {"Javet version \"5.0.6\"", "ABI version \"1\"", "architecture \"x86_64\"", "V8 flags"};
    for (int i = 0; i < others.size(); i++) {
      Compatibility c = others.get(i);
      ImageException e = assertThrows(ImageException.class, () -> StackImage.read(ByteBuffer.wrap(image), c, StackImage.Limits.DEFAULT));
      assertEquals(ImageException.INCOMPATIBLE, e.code());
      assertTrue(e.getMessage().contains(phrases[i]), e.getMessage());
    }
  }

  @Test
  void shouldRefuseAnImageOfAnotherArchitectureNamingTheImageTheFieldAndThisMachine() throws IOException {
    // A real image whose arch field says another CPU (same length, so nothing moves), every
    // checksum recomputed: only the compatibility check can refuse it.
    Path p = dir.resolve("other-arch.b8gimage");
    Files.write(p, surgery().compatibilityValue("arch", "armv7l").bytes);
    ImageException e = assertThrows(ImageException.class, () -> StackImage.open(p, Images.HOST));
    assertEquals(ImageException.INCOMPATIBLE, e.code());
    assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("CPU architecture \"armv7l\" (COMPATIBILITY key \"arch\")"), e.getMessage());
    assertTrue(e.getMessage().contains("this machine is \"x86_64\""), e.getMessage());
    // Still readable for inspection: the file is sound, it is only not for this machine.
    assertEquals("armv7l", StackImage.openForInspection(p, StackImage.Limits.DEFAULT).compatibility().arch());
  }

  @Test
  void shouldRefuseAnImageOfAnotherOsBeforeAnyVersionMismatch() throws IOException {
    // Another machine is named first, even when the versions differ too (as they would).
    byte[] other = surgery().compatibilityValue("os", "win32").compatibilityValue("v8.version", "14.7.173.21").bytes;
    ImageException e = rejects(other, ImageException.INCOMPATIBLE, "OS \"win32\" (COMPATIBILITY key \"os\")");
    assertTrue(e.getMessage().contains("this machine is \"linux\""), e.getMessage());
  }

  @Test
  void shouldTakeTheNamesOfOneArchitectureAsTheSame() throws IOException {
    // b8g before canonical names recorded Java's os.arch and os.name as they were: "amd64", "Linux".
    Path p = dir.resolve("amd64.b8gimage");
    StackImageWriter w = new StackImageWriter(new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "Linux", "amd64", "--max-lazy", 1));
    w.addContext("c", ByteBuffer.wrap(new byte[] {1, 2, 3}));
    w.writeTo(p);
    assertEquals("amd64", StackImage.open(p, Images.HOST).compatibility().arch());
    ImageException e = assertThrows(ImageException.class, () -> StackImage.open(p,
        new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", "aarch64", "--max-lazy", 1)));
    assertTrue(e.getMessage().contains("CPU architecture \"amd64\" (x86_64) (COMPATIBILITY key \"arch\")"
        + " but this machine is \"aarch64\""), e.getMessage());
    assertEquals("x86_64", Compatibility.canonicalArch("amd64"));
    assertEquals("x86_64", Compatibility.canonicalArch("X86-64"));
    assertEquals("aarch64", Compatibility.canonicalArch("arm64"));
    assertEquals("x86", Compatibility.canonicalArch("i686"));
    assertEquals("riscv64", Compatibility.canonicalArch("riscv64"));
    assertEquals("macos", Compatibility.canonicalOs("Mac OS X"));
    assertEquals("windows", Compatibility.canonicalOs("Windows 11"));
    assertEquals("linux", Compatibility.canonicalOs("Linux"));
  }

  @Test
  void shouldRejectDuplicateSingletonSections() throws IOException {
    StackImageWriter w = Images.sampleWriter();
    w.addRawSection(SectionType.MANIFEST.code(), SECTION_FLAG_REQUIRED, 0, ByteBuffer.allocate(0));
    Path p = dir.resolve("dup.b8gimage");
    w.writeTo(p);
    rejects(Files.readAllBytes(p), ImageException.MALFORMED, "two MANIFEST sections");
  }

  @Test
  void writerShouldRefuseWhatTheReaderRejects() {
    StackImageWriter w = new StackImageWriter(Images.HOST);
    w.addCapability(new CapabilityEntry(0, "x", "region", "r", 1)); // no component 0
    ImageException e = assertThrows(ImageException.class, () -> w.writeTo(dir.resolve("w.b8gimage")));
    assertEquals(ImageException.MALFORMED, e.code());
    StackImageWriter v = new StackImageWriter(Images.HOST);
    v.addContext("c", ByteBuffer.allocate(1));
    v.addContext("c", ByteBuffer.allocate(1));
    assertEquals(ImageException.MALFORMED, assertThrows(ImageException.class, () -> v.writeTo(dir.resolve("v.b8gimage"))).code());
    StackImageWriter u = new StackImageWriter(Images.HOST);
    u.addRegion(new RegionRecord("r", 1, RegionRecord.Backing.ANONYMOUS, 1), ByteBuffer.allocate(1));
    u.addRegion(new RegionRecord("r", 1, RegionRecord.Backing.ANONYMOUS, 1), ByteBuffer.allocate(1));
    assertEquals(ImageException.MALFORMED, assertThrows(ImageException.class, () -> u.writeTo(dir.resolve("u.b8gimage"))).code());
    StackImageWriter t = new StackImageWriter(Images.HOST);
    t.addContext("n".repeat(64 * 1024 + 1), ByteBuffer.allocate(1));
    assertEquals(ImageException.TOO_LARGE, assertThrows(ImageException.class, () -> t.writeTo(dir.resolve("t.b8gimage"))).code());
  }
}
