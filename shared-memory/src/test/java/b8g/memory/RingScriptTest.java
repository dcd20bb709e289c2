package b8g.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** ring.js takes its layout from RingDescriptor: it declares none itself, and its literals match. */
class RingScriptTest {
  private static final Pattern LAYOUT_NAME = Pattern.compile(
      "\\b(?:const|let|var)\\s+(MAGIC|VERSION_MAJOR|MIN_CAPACITY|MAX_CAPACITY|TRAILER|[A-Z_]+_I|[A-Z_]+_D|PADDING|BYTES|TEXT|END)\\s*=");

  private static String ringJs() throws IOException {
    try (InputStream in = RingScript.class.getResourceAsStream("/b8g/memory/ring.js")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void ringJsDeclaresNoLayoutOfItsOwn() throws IOException {
    Matcher m = LAYOUT_NAME.matcher(ringJs());
    assertTrue(!m.find(), "ring.js declares " + (m.find(0) ? m.group(1) : "") + " itself; it comes from RingDescriptor");
  }

  @Test
  void everyLayoutNameIsDeclaredOnceAheadOfTheRing() {
    String source = RingScript.source();
    Matcher m = Pattern.compile("const ([A-Z_]+) = ").matcher(RingScript.layout());
    int names = 0;
    while (m.find()) {
      names++;
      assertEquals(source.indexOf("const " + m.group(1) + " = "), source.lastIndexOf("const " + m.group(1) + " = "), m.group(1));
    }
    assertEquals(21, names);
    assertTrue(source.startsWith("(function () {\n'use strict';\n// The layout"));
  }

  /** ring.js keeps the record header and the alignment as literals on its hot path (8 and 8). */
  @Test
  void theHotPathLiteralsMatchTheLayout() {
    assertEquals(8, RingDescriptor.HEADER_LENGTH, "ring.js writes records with an 8-byte header");
    assertEquals(8, RingDescriptor.ALIGNMENT, "ring.js aligns records to 8 bytes ((length + 15) & -8)");
  }
}
