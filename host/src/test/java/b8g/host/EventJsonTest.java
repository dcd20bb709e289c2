package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  /** One JSON document, parsed strictly (Gson's STRICT: no comments, no single quotes, nothing after it). */
  static JsonObject parseStrict(String line) {
    JsonReader r = new JsonReader(new StringReader(line));
    r.setStrictness(Strictness.STRICT);
    JsonElement e = JsonParser.parseReader(r);
    return e.getAsJsonObject();
  }

  @Test
  void shouldWriteTheStableKeysFirstThenTheFieldsInOrder() {
    HostEvent e = new HostEvent(Instant.parse("2026-12-02T03:04:05.678912Z"), HostEvent.Kind.RESTARTED, "sink", "restart 2 of 3",
        HostEvent.fields("attempt", 2, "max", 3));
    assertEquals("{\"ts\":\"2026-12-02T03:04:05.678Z\",\"kind\":\"restarted\",\"component\":\"sink\",\"attempt\":2,\"max\":3}",
        EventJson.line(e));
  }

  /** A component's huge reason makes no huge line: each string is cut at 4 KiB and says how much was left out. */
  @Test
  void shouldCapEachStringField() {
    String huge = "\uD83D\uDE00".repeat(60_000); // pairs: the cut never splits one
    HostEvent e = new HostEvent(Instant.now(), HostEvent.Kind.FAILED, "c", huge, HostEvent.fields("reason", huge, "cause", "uncaught"));
    String line = EventJson.line(e);
    assertTrue(line.length() < 3 * EventJson.MAX_STRING_CHARS, "line of " + line.length() + " chars");
    JsonObject o = parseStrict(line);
    String reason = o.get("reason").getAsString();
    assertEquals(EventJson.MAX_STRING_CHARS + "...(115904 more chars)".length(), reason.length(), reason.substring(4000));
    assertTrue(reason.endsWith("\uDE00...(115904 more chars)"), reason.substring(4000));
    assertEquals("uncaught", o.get("cause").getAsString());
    assertEquals("short", parseStrict(EventJson.line(new HostEvent(HostEvent.Kind.STOPPED, "short", "x"))).get("component").getAsString());
  }

  /** A sink that throws anything short of the JVM's own errors does not stop the event reaching the others. */
  @Test
  void aThrowingSinkBreaksNothing() {
    List<HostEvent> seen = new java.util.ArrayList<>();
    Events events = new Events(List.of(e -> {
      throw new AssertionError("a broken sink");
    }, e -> {
      throw new IllegalStateException("another");
    }, seen::add));
    events.emit(HostEvent.Kind.STOPPED, "host", "stopped");
    assertEquals(1, seen.size());
    assertThrows(OutOfMemoryError.class, () -> new Events(List.of(e -> {
      throw new OutOfMemoryError("real trouble");
    })).emit(HostEvent.Kind.STOPPED, "host", "stopped"));
  }

  @Test
  void shouldEscapeHostileNamesSoThatTheLineParsesBackToTheSameText() {
    String hostile = "a\"b\\c\nd\re\tf\u0000g\u001fh\u007fi\u2028j\u2029k}{\"],\uD800l\uDC00m\uD83D\uDE00n/é";
    HostEvent e = new HostEvent(Instant.now(), HostEvent.Kind.GRANTED, hostile, "detail",
        HostEvent.fields("env", hostile, "rights", List.of("read", hostile), "nested",
            List.of(Map.of("component", hostile, "waits_on", List.of(hostile))), "flag", true, "n", 7L));
    String line = EventJson.line(e);
    assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u2028"), line);
    for (char c : line.toCharArray()) {
      assertTrue(c >= 0x20 && c != 0x7f, "a raw control character in " + line);
      assertFalse(Character.isSurrogate(c) && !isPairedIn(line, c), "a lone surrogate left raw in " + line);
    }
    // Valid UTF-8 both ways: nothing is lost to an encoder's replacement character.
    assertEquals(line, new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    JsonObject o = parseStrict(line);
    assertEquals(hostile, o.get("component").getAsString());
    assertEquals(hostile, o.get("env").getAsString());
    assertEquals(hostile, o.getAsJsonArray("rights").get(1).getAsString());
    assertEquals(hostile, o.getAsJsonArray("nested").get(0).getAsJsonObject().getAsJsonArray("waits_on").get(0).getAsString());
    assertTrue(o.get("flag").getAsBoolean());
    assertEquals(7, o.get("n").getAsLong());
    assertEquals("granted", o.get("kind").getAsString());
  }

  @Test
  void shouldRoundTripRandomStrings() {
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(24);
      for (int j = 0; j < n; j++) {
        // Mostly the characters that need care: controls, quotes, backslashes, surrogates.
        b.append(switch (random.nextInt(6)) {
          case 0 -> (char) random.nextInt(0x21);
          case 1 -> "\"\\{}[]:,".charAt(random.nextInt(8));
          case 2 -> (char) (0xD800 + random.nextInt(0x800));
          case 3 -> (char) (0x2028 + random.nextInt(2));
          default -> (char) random.nextInt(0x10000);
        });
      }
      String s = b.toString();
      JsonObject o = parseStrict(EventJson.line(new HostEvent(Instant.now(), HostEvent.Kind.LINK_REFUSED, s, "",
          HostEvent.fields("reason", s))));
      assertEquals(s, o.get("component").getAsString());
      assertEquals(s, o.get("reason").getAsString());
    }
  }

  @Test
  void shouldLeaveOutAbsentFieldsAndRejectNothingItWrites() {
    Map<String, Object> f = HostEvent.fields("a", null, "b", "x");
    assertEquals(Map.of("b", "x"), f);
    assertThrows(UnsupportedOperationException.class,
        () -> new HostEvent(Instant.now(), HostEvent.Kind.STOPPED, "host", "", f).fields().put("c", 1));
  }

  private static boolean isPairedIn(String line, char c) {
    int i = line.indexOf(c);
    while (i >= 0) {
      boolean paired = Character.isHighSurrogate(c) ? i + 1 < line.length() && Character.isLowSurrogate(line.charAt(i + 1))
          : i > 0 && Character.isHighSurrogate(line.charAt(i - 1));
      if (!paired) {
        return false;
      }
      i = line.indexOf(c, i + 1);
    }
    return true;
  }
}
