package b8g.snapshots;

import static b8g.snapshots.Images.rejects;
import static b8g.snapshots.StackImageDescriptor.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The COMPONENT_ORDER section (format 2.0): the component names in CONTEXT id order. The sample
 * image names "stage" and "sink": u32 2, then (u32 5, "stage") at section offset 4 and (u32 4,
 * "sink") at section offset 13; 21 bytes.
 */
class ComponentOrderSectionTest {
  @TempDir Path dir;

  private static final String ORDER = "section 2 (COMPONENT_ORDER, id 0)";

  private static void assertMentions(ImageException e, String... phrases) {
    for (String phrase : phrases) {
      assertTrue(e.getMessage().contains(phrase), () -> "message should contain \"" + phrase + "\" but was: " + e.getMessage());
    }
  }

  /** The sample image with the COMPONENT_ORDER section's bytes replaced (same length), resealed. */
  private byte[] withOrderBytes(ByteBuffer content) throws Exception {
    Images.Surgery s = new Images.Surgery(Images.sampleBytes(dir));
    int order = s.find(SectionType.COMPONENT_ORDER, 0);
    byte[] b = new byte[(int) s.length(order)];
    content.duplicate().get(b, 0, Math.min(b.length, content.remaining()));
    return s.sectionBytes(order, b).bytes;
  }

  private static ByteBuffer le(int capacity) {
    return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void shouldRoundTripNamesInContextOrder() throws Exception {
    StackImageWriter w = new StackImageWriter(Images.HOST);
    List<String> names = List.of("zeta", "alpha, beta", "grüße ✓");
    for (int i = 0; i < names.size(); i++) {
      assertEquals(i, w.addContext(names.get(i), ByteBuffer.wrap(Images.random(i, 10 + i))));
    }
    Path file = dir.resolve("order.b8gimage");
    w.writeTo(file);
    StackImage image = StackImage.open(file, Images.HOST);
    assertEquals(names, image.componentNames());
    assertEquals(3, image.componentCount());
    SectionEntry order = image.sections().get(2);
    assertEquals(SectionType.COMPONENT_ORDER, order.knownType());
    assertTrue(order.required());
    ByteBuffer raw = image.sectionBytes(order.position()).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(3, raw.getInt(0));
    assertEquals(4, raw.getInt(4));
    assertEquals("zeta", StandardCharsets.UTF_8.decode(raw.slice(8, 4)).toString());
    assertEquals("", Images.read(Files.readAllBytes(file)).manifest(), "the names are not in the manifest");
  }

  @Test
  void shouldRejectANameThatRunsPastTheSectionWithItsOffset() throws Exception {
    ByteBuffer b = le(21).putInt(0, 2).putInt(4, 5).put(8, "stage".getBytes(StandardCharsets.UTF_8)).putInt(13, 1000);
    ImageException e = rejects(withOrderBytes(b), ImageException.BOUNDS, ORDER);
    assertMentions(e, ORDER + " at section offset 17: component 1 name needs 1000 bytes", "only 4 remain");
  }

  @Test
  void shouldRejectACountTheBytesCannotHold() throws Exception {
    ImageException e = rejects(withOrderBytes(le(4).putInt(0, 1000)), ImageException.BOUNDS, ORDER);
    assertMentions(e, ORDER + " at section offset 0: component count is 1000 but only 17 bytes remain");
    ImageException f = rejects(withOrderBytes(le(4).putInt(0, -1)), ImageException.TOO_LARGE, ORDER);
    assertMentions(f, "component count is 4294967295");
  }

  @Test
  void shouldRejectAHugeNameLengthBeforeAllocating() throws Exception {
    ImageException e = rejects(withOrderBytes(le(8).putInt(0, 2).putInt(4, -16)), ImageException.TOO_LARGE, ORDER);
    assertMentions(e, ORDER + " at section offset 4: component 0 name is 4294967280 bytes");
  }

  @Test
  void shouldRejectDuplicateEmptyOrNonUtf8NamesWithTheirOffset() throws Exception {
    // "stage", "stage" does not fit 21 bytes; "sink" twice does, with 1 byte left zero: 4+8+8 = 20
    ByteBuffer dup = le(21).putInt(0, 2).putInt(4, 4).put(8, "sink".getBytes(StandardCharsets.UTF_8));
    dup.putInt(12, 4).put(16, "sink".getBytes(StandardCharsets.UTF_8));
    // the 21st byte is left over: refused as trailing bytes unless the duplicate is caught first
    ImageException e = rejects(withOrderBytes(dup), ImageException.MALFORMED, ORDER + " at section offset 12");
    assertMentions(e, "component name \"sink\" appears twice");

    ByteBuffer empty = le(21).putInt(0, 2).putInt(4, 0).putInt(8, 9).put(12, "stagesink".getBytes(StandardCharsets.UTF_8));
    rejects(withOrderBytes(empty), ImageException.MALFORMED, ORDER + " at section offset 4: component 0 has an empty name");

    ByteBuffer utf = le(21).putInt(0, 2).putInt(4, 5).put(8, new byte[] {'s', 't', (byte) 0xC3, 'g', 'e'});
    utf.putInt(13, 4).put(17, "sink".getBytes(StandardCharsets.UTF_8));
    rejects(withOrderBytes(utf), ImageException.MALFORMED, ORDER + " at section offset 4: component 0 name is not valid UTF-8");
  }

  @Test
  void shouldRejectTrailingBytesAndACountThatDoesNotMatchTheContexts() throws Exception {
    ByteBuffer one = le(21).putInt(0, 1).putInt(4, 5).put(8, "stage".getBytes(StandardCharsets.UTF_8));
    ImageException e = rejects(withOrderBytes(one), ImageException.MALFORMED, ORDER);
    assertMentions(e, ORDER + " at section offset 13: 8 unexpected bytes after the last entry");

    StackImageWriter w = Images.sampleWriter();
    w.addRawSection(SectionType.COMPONENT_ORDER.code(), SECTION_FLAG_REQUIRED, 0, ByteBuffer.allocate(4));
    Path p = dir.resolve("two.b8gimage");
    w.writeTo(p);
    rejects(Files.readAllBytes(p), ImageException.MALFORMED, "two COMPONENT_ORDER sections");

    Images.Surgery s = new Images.Surgery(Images.sampleBytes(dir));
    int ctx = s.find(SectionType.CONTEXT, 1);
    s.putEntryInt(ctx, ENTRY_TYPE_OFFSET, 4242).putEntryInt(ctx, ENTRY_FLAGS_OFFSET, 0);
    rejects(s.bytes, ImageException.MALFORMED, "image has 1 CONTEXT section(s) for 2 component(s)");
  }

  @Test
  void shouldRejectAnImageWithoutTheOrderSection() throws Exception {
    Images.Surgery s = new Images.Surgery(Images.sampleBytes(dir));
    int order = s.find(SectionType.COMPONENT_ORDER, 0);
    // An optional section of a type this reader does not know is skipped, so only the order is missing.
    s.putEntryInt(order, ENTRY_TYPE_OFFSET, 4242).putEntryInt(order, ENTRY_FLAGS_OFFSET, 0);
    ImageException e = rejects(s.bytes, ImageException.MALFORMED, "image has no COMPONENT_ORDER section");
    assertMentions(e, "2 CONTEXT section(s) cannot be matched to components");
    ImageException f =
        assertThrows(ImageException.class, () -> StackImage.readForInspection(ByteBuffer.wrap(s.bytes), StackImage.Limits.DEFAULT));
    assertEquals(ImageException.MALFORMED, f.code(), "inspection checks the structure too");
  }

  @Test
  void shouldRefuseTheRetiredChannelStateType() throws Exception {
    Images.Surgery s = new Images.Surgery(Images.sampleBytes(dir));
    int caps = s.find(SectionType.CAPABILITIES, 0);
    for (int flags : new int[] {0, SECTION_FLAG_REQUIRED}) {
      s.putEntryInt(caps, ENTRY_FLAGS_OFFSET, flags).putEntryInt(caps, ENTRY_TYPE_OFFSET, SectionType.RETIRED_CHANNEL_STATE);
      ImageException e = rejects(s.bytes, ImageException.MALFORMED, "section 4 (retired(7, CHANNEL_STATE), id 0)");
      assertMentions(e, "dropped in format 2.0");
    }
    StackImageWriter w = Images.sampleWriter();
    w.addRawSection(SectionType.RETIRED_CHANNEL_STATE, 0, 0, ByteBuffer.allocate(4));
    Path p = dir.resolve("retired.b8gimage");
    w.writeTo(p);
    rejects(Files.readAllBytes(p), ImageException.MALFORMED, "CHANNEL_STATE");
  }

  @Test
  void shouldRefuseAFormatOneImageAsOlder() throws Exception {
    Images.Surgery s = new Images.Surgery(Images.sampleBytes(dir));
    s.buf.putShort(MAJOR_OFFSET, (short) 1);
    s.buf.putShort(MINOR_OFFSET, (short) 0);
    ImageException e = rejects(s.resealHeader().bytes, ImageException.VERSION, "image format 1.0 is older than this reader's 2.1");
    assertMentions(e, "take the snapshot again");
  }

  @Test
  void writerShouldRefuseAnEmptyName() {
    StackImageWriter w = new StackImageWriter(Images.HOST);
    w.addContext("", ByteBuffer.allocate(1));
    ImageException e = assertThrows(ImageException.class, () -> w.writeTo(dir.resolve("e.b8gimage")));
    assertEquals(ImageException.MALFORMED, e.code());
    assertMentions(e, "component 0 has an empty name");
  }
}
