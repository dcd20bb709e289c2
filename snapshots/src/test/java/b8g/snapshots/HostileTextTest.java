package b8g.snapshots;

import static b8g.snapshots.StackImageDescriptor.RIGHT_READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.host.Host;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings of a hostile image (bounded, valid UTF-8, but holding terminal controls) reach messages
 * and the inspection text escaped: an ESC sequence, a CR and a bidi override read as {@code \e},
 * {@code \r}, <code>&#92;u202e</code>, and no raw control character is in the text a user sees.
 */
class HostileTextTest {
  /** Recolours the terminal, returns over the line, and shows the rest reversed. */
  private static final String HOSTILE = "x86\u001b[31m_64\rok\u202eevil\u0085";
  private static final String ESCAPED = "x86\\e[31m_64\\rok\\u202eevil\\x85";

  @TempDir Path dir;

  @Test
  void shouldEscapeAHostileArchitectureInTheRefusal() {
    Path p = dir.resolve("arch.b8gi");
    new StackImageWriter(new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", HOSTILE, "--max-lazy", 1))
        .writeTo(p);
    ImageException e = assertThrows(ImageException.class, () -> StackImage.open(p, Images.HOST));
    assertEquals(ImageException.INCOMPATIBLE, e.code());
    assertTrue(e.getMessage().contains("CPU architecture \"" + ESCAPED + "\""), e.getMessage());
    assertClean(e.getMessage());
  }

  @Test
  void shouldEscapeAHostileV8VersionAndFlagsInTheRefusal() {
    Path p = dir.resolve("v8.b8gi");
    new StackImageWriter(new Compatibility("v8-i18n", "5.0.6", HOSTILE, "linux", "x86_64", "--max-lazy", 1)).writeTo(p);
    ImageException e = assertThrows(ImageException.class, () -> StackImage.open(p, Images.HOST));
    assertTrue(e.getMessage().contains("V8 version \"" + ESCAPED + "\" but this host has \"14.7.173.20\""), e.getMessage());
    assertClean(e.getMessage());

    Path q = dir.resolve("engine.b8gi");
    new StackImageWriter(new Compatibility(HOSTILE, "5.0.6", "14.7.173.20", "linux", "x86_64", HOSTILE, 1)).writeTo(q);
    ImageException f = assertThrows(ImageException.class, () -> StackImage.open(q, Images.HOST));
    assertTrue(f.getMessage().contains("V8 build \"" + ESCAPED + "\""), f.getMessage());
    assertClean(f.getMessage());
  }

  @Test
  void shouldEscapeAHostileRegionNameInALimitRefusal() {
    StackImageWriter w = new StackImageWriter(Images.HOST, StackImage.Limits.DEFAULT.withMaxRegionBytes(4096));
    w.addRegion(new RegionRecord(HOSTILE, 4097, RegionRecord.Backing.ANONYMOUS, RIGHT_READ), ByteBuffer.allocate(4097));
    ImageException e = assertThrows(ImageException.class, () -> w.writeTo(dir.resolve("region.b8gi")));
    assertTrue(e.getMessage().contains("region \"" + ESCAPED + "\" is 4097 bytes"), e.getMessage());
    assertClean(e.getMessage());
  }

  @Test
  void shouldEscapeAHostileComponentNameWhenItsContextIsRefused() {
    // A real image for this host whose one component has a hostile name and a context that is no
    // V8 snapshot: the restore refuses it, naming the component, before V8 sees a byte.
    Path p = dir.resolve("component.b8gi");
    StackImageWriter w = new StackImageWriter(Snapshots.compatibility());
    w.addContext(HOSTILE, ByteBuffer.wrap(new byte[64]));
    w.writeTo(p);
    StackImage image = StackImage.open(p, Snapshots.compatibility());
    ImageException e = assertThrows(ImageException.class, () -> Snapshots.restore(image, new Host.Context()));
    assertEquals(ImageException.INCOMPATIBLE, e.code());
    assertTrue(e.getMessage().contains(": component \"" + ESCAPED + "\": "), e.getMessage());
    assertClean(e.getMessage());
  }

  @Test
  void shouldRefuseAHostileManifestPathRecordedInTheImage() {
    Path p = dir.resolve("manifest.b8gi");
    StackImageWriter w = new StackImageWriter(Images.HOST);
    w.manifest(Snapshots.MANIFEST_LINE + "/tmp/" + HOSTILE + ".txtpb\n");
    w.addContext("c", ByteBuffer.wrap(new byte[8]));
    w.writeTo(p);
    StackImage image = StackImage.open(p, Images.HOST);
    ImageException e = assertThrows(ImageException.class, () -> Snapshots.manifestOf(image));
    assertEquals(ImageException.MALFORMED, e.code());
    assertTrue(e.getMessage().contains("\"/tmp/" + ESCAPED + ".txtpb\""), e.getMessage());
    assertClean(e.getMessage());
  }

  @Test
  void shouldShowHostileStringsEscapedInTheInspectionText() {
    Path p = dir.resolve("inspect.b8gi");
    StackImageWriter w = new StackImageWriter(
        new Compatibility("v8-i18n", "5.0.6", "14.7.173.20", "linux", HOSTILE, HOSTILE, 1, Map.of(HOSTILE, HOSTILE)));
    w.addContext(HOSTILE, ByteBuffer.wrap(new byte[8]));
    w.addRegion(new RegionRecord(HOSTILE, 16, RegionRecord.Backing.ANONYMOUS, RIGHT_READ), ByteBuffer.allocate(16));
    w.addCapability(new CapabilityEntry(0, HOSTILE, HOSTILE, HOSTILE, 1));
    w.writeTo(p);
    String text = ImageInspector.text(StackImage.openForInspection(p, StackImage.Limits.DEFAULT));
    assertTrue(text.contains("component 0: " + ESCAPED + "\n"), text);
    assertTrue(text.contains("region " + ESCAPED + ": 16 bytes"), text);
    assertTrue(text.contains("linux/" + ESCAPED), text);
    assertTrue(text.contains("extra {\"" + ESCAPED + "\"=\"" + ESCAPED + "\"}"), text);
    assertClean(text.replace("\n", ""));
    // The map keeps them as they are: a JSON writer escapes them (and Printable.json the rest).
    assertEquals(HOSTILE, ((java.util.List<?>) ImageInspector.describe(StackImage.openForInspection(p, StackImage.Limits.DEFAULT))
        .get("components")).get(0));
  }

  /** No control character (C0, DEL, C1) and no bidi control in {@code s}. */
  static void assertClean(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad = c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
      assertFalse(bad, () -> "raw U+" + Integer.toHexString(c) + " in: " + s);
    }
  }
}
