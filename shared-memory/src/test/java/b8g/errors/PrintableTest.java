package b8g.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void shouldLeavePrintableTextAsItIsBetweenQuotes() {
    assertEquals("\"x86_64\"", Printable.quoted("x86_64"));
    assertEquals("\"grüße ✓ 日本 🙂\"", Printable.quoted("grüße ✓ 日本 🙂"));
    assertEquals("grüße ✓", Printable.of("grüße ✓", 80));
    assertEquals("null", Printable.quoted(null));
    assertTrue(Printable.isPlain("a b/c-d.e 🙂"));
  }

  @Test
  void shouldEscapeControlsAndBidiCharacters() {
    assertEquals("\"a\\e[31mb\\rc\\nd\\te\\x00f\\x7fg\\x85h\\x9bi\"",
        Printable.quoted("a\u001b[31mb\rc\nd\te\u0000f\u007fg\u0085h\u009bi"));
    assertEquals("\"\\u202aa\\u202eb\\u2066c\\u2069d\\u200fe\\u061cf\\u2028g\\u00adh\"",
        Printable.quoted("\u202aa\u202eb\u2066c\u2069d\u200fe\u061cf\u2028g\u00adh"));
    assertEquals("\"\\u{e0041}\\ud800x\"", Printable.quoted("\udb40\udc41\ud800x"), "tag character, lone surrogate");
    assertFalse(Printable.isPlain("a\u202eb"));
    assertFalse(Printable.isPlain("a\u0085"));
  }

  @Test
  void shouldEscapeQuotesAndBackslashesOnlyWhenQuoting() {
    assertEquals("\"say \\\"hi\\\" C:\\\\x\"", Printable.quoted("say \"hi\" C:\\x"));
    assertEquals("say \"hi\" C:\\x", Printable.of("say \"hi\" C:\\x", 80));
  }

  @Test
  void shouldCutLongValuesSayingHowLongTheyWere() {
    String s = "a".repeat(500);
    assertEquals("\"" + "a".repeat(200) + "\"... (500 characters)", Printable.quoted(s));
    assertEquals("aaaa... (500 characters)", Printable.of(s, 4));
    // never inside an escape or a surrogate pair
    assertEquals("\"ab\"... (4 characters)", Printable.quoted("ab\u001bc", 3));
    assertEquals("\"a\"... (3 characters)", Printable.quoted("a🙂", 2));
  }

  @Test
  void shouldKeepLineFeedsOfSeveralLinesAndEscapeTheRest() {
    String plain = "first line\nsecond \"line\"";
    assertSame(plain, Printable.lines(plain));
    assertEquals("a\\e[2J\n\nb\\r\\u202ec", Printable.lines("a\u001b[2J\n\nb\r\u202ec"));
  }

  @Test
  void shouldEscapeWhatJsonWritersLeaveInJsonText() {
    String json = "{\"a\": \"x\u0085y\u202ez\u007f🙂\udb40\udc41\"}";
    assertEquals("{\"a\": \"x\\u0085y\\u202ez\\u007f🙂\\udb40\\udc41\"}", Printable.json(json));
    String plain = "{\"a\": \"grüße\"}";
    assertSame(plain, Printable.json(plain));
  }

  @Test
  void shouldNeverLetAControlThroughWhateverTheInput() {
    Random r = new Random(42);
    for (int n = 0; n < 2000; n++) {
      StringBuilder b = new StringBuilder();
      for (int i = r.nextInt(40); i > 0; i--) {
        b.append((char) (r.nextBoolean() ? r.nextInt(0xa0) : r.nextInt(0x10000)));
      }
      String s = b.toString();
      for (String out : new String[] {Printable.quoted(s), Printable.of(s, 30), Printable.lines(s).replace("\n", "")}) {
        for (int i = 0; i < out.length(); i++) {
          char c = out.charAt(i);
          assertFalse(c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
              || Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < out.length()
                  && Character.isLowSurrogate(out.charAt(i + 1)))
              && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(out.charAt(i - 1))),
              () -> "U+" + Integer.toHexString(c) + " in " + out);
        }
      }
    }
  }
}
