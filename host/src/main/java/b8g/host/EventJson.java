package b8g.host;

import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@link HostEvent} as one line of strict JSON (RFC 8259), for {@code b8g run --events json} and
 * {@link Host.Context#jsonEvents}:
 *
 * <pre>
 * {"ts":"2026-12-02T03:04:05.678Z","kind":"granted","component":"sink","env":"in","capability":"channel",...}
 * </pre>
 *
 * <p>{@code ts} (ISO-8601, UTC, milliseconds), {@code kind} ({@link HostEvent.Kind#id()}) and
 * {@code component} come first, then the event's fields in their order. Every string is user data
 * and is escaped: quotes, backslashes, every control character, U+2028/U+2029 (which JavaScript
 * before ES2019 took for line ends), and a lone surrogate as its {@code \\uXXXX} escape, so the
 * line is valid UTF-8 and never spans two lines. Stateless; thread-safe.
 */
public final class EventJson {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private EventJson() {}

  /** {@code event} as one JSON object, without a line end. */
  public static String line(HostEvent event) {
    StringBuilder out = new StringBuilder(160);
    out.append("{\"ts\":\"").append(TS.format(event.time())).append("\",\"kind\":\"").append(event.kind().id())
        .append("\",\"component\":");
    string(out, event.component());
    for (Map.Entry<String, Object> f : event.fields().entrySet()) {
      out.append(',');
      string(out, f.getKey());
      out.append(':');
      value(out, f.getValue());
    }
    return out.append('}').toString();
  }

  /**
   * A sink writing each event to {@code out} as one line (then flushing it when it is
   * {@link Flushable}); lines from several threads never interleave. An {@link IOException} of
   * {@code out} is thrown unchecked (the host drops it: a failing sink never breaks supervision).
   */
  public static Consumer<HostEvent> writer(Appendable out) {
    return e -> {
      String line = line(e) + "\n";
      synchronized (out) {
        try {
          out.append(line);
          if (out instanceof Flushable f) {
            f.flush();
          }
        } catch (IOException x) {
          throw new UncheckedIOException(x);
        }
      }
    };
  }

  private static void value(StringBuilder out, Object v) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      out.append(v);
    } else if (v instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        value(out, list.get(i));
      }
      out.append(']');
    } else if (v instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, String.valueOf(e.getKey()));
        out.append(':');
        value(out, e.getValue());
      }
      out.append('}');
    } else {
      string(out, v.toString());
    }
  }

  /** The most characters of one string an event line carries; the rest is counted, not written. */
  static final int MAX_STRING_CHARS = 4096;

  /**
   * {@code s} as a JSON string literal, quotes included; past {@link #MAX_STRING_CHARS} it is cut
   * (never inside a surrogate pair) and ends {@code "...(N more chars)"}, so a component's huge
   * reason or name cannot make a huge line.
   */
  static void string(StringBuilder out, String s) {
    if (s.length() > MAX_STRING_CHARS) {
      int cut = MAX_STRING_CHARS;
      if (Character.isHighSurrogate(s.charAt(cut - 1))) {
        cut--;
      }
      s = s.substring(0, cut) + "...(" + (s.length() - cut) + " more chars)";
    }
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            escape(out, c);
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            escape(out, c); // lone: no UTF-8 encoding exists for it
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void escape(StringBuilder out, char c) {
    out.append("\\u").append(HEX[c >> 12 & 15]).append(HEX[c >> 8 & 15]).append(HEX[c >> 4 & 15]).append(HEX[c & 15]);
  }
}
