package b8g.http1;

import b8g.errors.Printable;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * A field section as RFC 9112 (section 5) frames it: the header lines after a status line, or the
 * trailer lines after a chunked body's last chunk, up to an empty line. Each line is {@code
 * token ":" OWS value OWS}, CRLF ended, with no control character but HTAB; obsolete line folding
 * and a space before the colon are refused. Bounded in bytes and in lines.
 */
final class FieldSection {
  private FieldSection() {}

  /**
   * Reads a section from {@code r}, adding each field's lower-cased name and trimmed value to
   * {@code fields} (when not null) and the byte where its line began to {@code at}.
   *
   * @param start where the byte budget began (the section may share it with what came before)
   * @param maxBytes the budget, in bytes from {@code start}, the section's empty line included
   * @param maxLines the most field lines
   * @param kind "header" or "trailer", as errors name a line
   * @param where the section, as errors name it ("the response head")
   * @throws FramingException a malformed line, or a bound passed
   * @throws CutShortException the stream ends before the empty line
   */
  static void read(LineReader r, long start, int maxBytes, int maxLines, String kind, String where, List<String> fields,
      List<Long> at) throws IOException {
    String what = "a " + kind + " line";
    for (int lines = 0; ; lines++) {
      long lineAt = r.position();
      String line = LineReader.strict(r.raw((int) (maxBytes - (lineAt - start)), what, where, maxBytes), what, lineAt);
      if (line.isEmpty()) {
        return;
      }
      if (lines == maxLines) {
        throw new FramingException(where + ": more than " + maxLines + " " + kind + " lines (the next at byte " + lineAt + ")");
      }
      int colon = line.indexOf(':');
      String fault = line.charAt(0) == ' ' || line.charAt(0) == '\t' ? "obsolete line folding is refused"
          : colon < 0 ? "no colon"
          : colon == 0 || !isToken(line, 0, colon) ? "the name before the colon is not a token (a space before the colon?)"
          : null;
      if (fault != null) {
        throw new FramingException("bad " + kind + " line at byte " + lineAt + " (\"" + Printable.of(line, 80) + "\"): " + fault);
      }
      if (fields != null) {
        fields.add(line.substring(0, colon).toLowerCase(Locale.ROOT));
        fields.add(trim(line, colon + 1));
        at.add(lineAt);
      }
    }
  }

  /** Whether {@code s[from, to)} is an RFC 9110 token (tchar+). */
  static boolean isToken(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean alnum = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
      if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
        return false;
      }
    }
    return to > from;
  }

  /** {@code s} from {@code from}, without leading and trailing spaces and tabs (OWS). */
  static String trim(String s, int from) {
    int end = s.length();
    while (from < end && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
      from++;
    }
    while (end > from && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(from, end);
  }
}
