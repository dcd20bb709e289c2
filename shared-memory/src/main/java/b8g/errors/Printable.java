package b8g.errors;

/**
 * Text from outside (a user, a manifest, a stack image, a registry) made fit for an error message
 * or a terminal. Such text may be valid UTF-8 and short, and still hold what a terminal obeys: an
 * ESC sequence that recolours or rewrites the line, a CR that returns over what was printed, a bidi
 * override that shows the rest of the line reversed. Everything here renders it so that each of
 * those reads as an escape, and leaves printable text (any script, any symbol) as it is.
 *
 * <p>Escaped: the controls (C0, DEL, C1) as {@code \n}, {@code \r}, {@code \t}, {@code \e} (ESC)
 * or {@code \xNN}; format characters (the bidi embeddings, overrides and isolates U+202A..U+202E,
 * U+2066..U+2069, the marks U+200E, U+200F, U+061C, zero-width characters, tag characters), the
 * line and paragraph separators U+2028, U+2029, and unpaired surrogates as <code>&#92;uXXXX</code> (or
 * <code>&#92;u{XXXXX}</code> beyond U+FFFF).
 */
public final class Printable {
  /** How many characters of a value {@link #quoted(String)} shows. */
  public static final int DEFAULT_MAX = 200;

  private Printable() {}

  /**
   * {@code s} for a message, in double quotes: escaped as the class says, and {@code "} and
   * {@code \} escaped too, so the quotes always delimit the whole value; at most {@value
   * #DEFAULT_MAX} characters between them. {@code null} reads {@code null}.
   */
  public static String quoted(String s) {
    return quoted(s, DEFAULT_MAX);
  }

  /**
   * As {@link #quoted(String)} with at most {@code max} characters between the quotes; a longer
   * value is cut (never inside an escape or a surrogate pair) and followed by {@code ... (N
   * characters)}, N its full length.
   */
  public static String quoted(String s, int max) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 8).append('"');
    int end = escape(s, max, true, out);
    out.append('"');
    return end < s.length() ? out.append(cut(s)).toString() : out.toString();
  }

  /**
   * {@code s} on one readable line without quotes, for text a message frames itself: escaped as
   * the class says ({@code "} and {@code \} kept), at most {@code max} characters, a longer value
   * followed by {@code ... (N characters)}.
   */
  public static String of(String s, int max) {
    if (s == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), max) + 8);
    int end = escape(s, max, false, out);
    return end < s.length() ? out.append(cut(s)).toString() : out.toString();
  }

  /**
   * Text of several lines for a terminal, such as an error message that quoted outside text
   * without this class: each line as {@link #of} shows it, whole, the line feeds between them
   * kept. A CR, ESC or bidi control anywhere in it reads as an escape.
   */
  public static String lines(String s) {
    if (s == null) {
      return "null";
    }
    if (isPlain(s.replace('\n', ' '))) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    String[] lines = s.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      out.append(i == 0 ? "" : "\n").append(of(lines[i], Integer.MAX_VALUE));
    }
    return out.toString();
  }

  /** Whether {@code s} holds nothing {@link #of} would escape: it prints as itself. */
  public static boolean isPlain(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (escaped(cp)) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  /**
   * JSON text made safe for a terminal: every character the class escapes, inside any string of
   * it, as a JSON <code>&#92;uXXXX</code> escape (same value to a JSON reader). JSON writers escape C0
   * controls themselves but pass DEL, the C1 controls (U+009B is a CSI to some terminals) and bidi
   * controls through; outside strings JSON holds only ASCII structure, so nothing else changes.
   */
  public static String json(String json) {
    StringBuilder out = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      boolean escape;
      if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
        escape = escaped(Character.toCodePoint(c, json.charAt(i + 1)));
        if (!escape) {
          if (out != null) {
            out.append(c).append(json.charAt(i + 1));
          }
          i++;
          continue;
        }
        // a supplementary format character (a tag character): both halves escaped, as JSON does
        if (out == null) {
          out = new StringBuilder(json.length() + 16).append(json, 0, i);
        }
        out.append(String.format("\\u%04x\\u%04x", (int) c, (int) json.charAt(i + 1)));
        i++;
        continue;
      }
      escape = c >= 0x7f && escaped(c);
      if (escape && out == null) {
        out = new StringBuilder(json.length() + 16).append(json, 0, i);
      }
      if (out != null) {
        if (escape) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? json : out.toString();
  }

  /** Whether code point {@code cp} is shown as an escape. */
  private static boolean escaped(int cp) {
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return true;
    }
    if (cp < 0xa0) {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE;
  }

  /**
   * Appends {@code s} escaped to {@code out}, at most {@code max} characters of output; returns
   * the index in {@code s} where it stopped ({@code s.length()} when all of it fit).
   */
  private static int escape(String s, int max, boolean quoting, StringBuilder out) {
    int start = out.length();
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      String unit = unit(cp, quoting);
      int length = unit == null ? Character.charCount(cp) : unit.length();
      if (out.length() - start + length > max) {
        break;
      }
      if (unit == null) {
        out.appendCodePoint(cp);
      } else {
        out.append(unit);
      }
      i += Character.charCount(cp);
    }
    return i;
  }

  /** How {@code cp} reads: its escape, or null when it reads as itself. */
  private static String unit(int cp, boolean quoting) {
    if (quoting && (cp == '"' || cp == '\\')) {
      return "\\" + (char) cp;
    }
    if (!escaped(cp)) {
      return null;
    }
    return switch (cp) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      case 0x1b -> "\\e";
      default -> cp <= 0x9f
          ? String.format("\\x%02x", cp)
          : cp <= 0xffff ? String.format("\\u%04x", cp) : String.format("\\u{%x}", cp);
    };
  }

  private static String cut(String s) {
    return "... (" + s.length() + " characters)";
  }
}
