package b8g.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.snapshots.Compatibility;
import b8g.snapshots.Snapshots;
import b8g.snapshots.StackImageWriter;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code b8g image inspect} and {@code b8g restore} on an image whose strings hold terminal controls
 * (an ESC sequence, a CR, a bidi override, a C1 CSI): neither the text, nor the JSON, nor an error
 * line carries one raw; the JSON still holds the same values for a JSON reader.
 */
class HostileImageTextTest {
  private static final String HOSTILE = "arm\u001b[2J\rok\u202ex\u009b";
  private static final String ESCAPED = "arm\\e[2J\\rok\\u202ex\\x9b";

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private Path hostileImage() {
    Path p = dir.resolve("hostile.b8gi");
    Compatibility here = Snapshots.compatibility();
    StackImageWriter w = new StackImageWriter(new Compatibility(
        here.engine(), here.javetVersion(), here.v8Version(), here.os(), HOSTILE, here.v8Flags(), here.abiVersion()));
    w.manifest(Snapshots.MANIFEST_LINE + "/tmp/" + HOSTILE + "\n");
    w.addContext(HOSTILE, ByteBuffer.wrap(new byte[16]));
    w.writeTo(p);
    return p;
  }

  @Test
  void shouldInspectAHostileImageAsEscapedText() {
    Path p = hostileImage();
    assertEquals(0, run("image", "inspect", p.toString()), err.toString());
    String text = out.toString();
    assertTrue(text.contains("component 0: " + ESCAPED), text);
    assertTrue(text.contains("restorable here: no, "), text);
    assertTrue(text.contains("CPU architecture \"" + ESCAPED + "\""), text);
    assertClean(text.replace("\n", ""));
  }

  @Test
  void shouldInspectAHostileImageAsJsonWithNothingRaw() {
    Path p = hostileImage();
    assertEquals(0, run("image", "inspect", "--json", p.toString()), err.toString());
    String json = out.toString();
    assertClean(json.replace("\n", ""));
    JsonObject o = JsonParser.parseString(json).getAsJsonObject();
    assertEquals(HOSTILE, o.getAsJsonArray("components").get(0).getAsString());
    assertEquals(HOSTILE, o.getAsJsonObject("compatibility").get("arch").getAsString());
    assertFalse(o.get("restorableHere").getAsBoolean());
  }

  @Test
  void shouldRefuseToRestoreAHostileImageWithAnEscapedErrorLine() {
    Path p = hostileImage();
    assertEquals(7, run("restore", p.toString()), err.toString());
    assertTrue(err.toString().contains("\"" + ESCAPED + "\""), err.toString());
    assertClean(err.toString().replace("\n", ""));
  }

  private static void assertClean(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad = c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
      assertFalse(bad, () -> "raw U+" + Integer.toHexString(c) + " in: " + s);
    }
  }
}
