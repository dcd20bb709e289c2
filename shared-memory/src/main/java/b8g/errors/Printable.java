package b8g.errors;

/** Text from outside (a user, a manifest, a server) made fit for an error message. */
public final class Printable {
  private Printable() {}

  /**
   * {@code s} on one readable line: control characters (C0, DEL, C1) as {@code \xNN}, at most
   * {@code max} characters kept, "..." when cut.
   */
  public static String of(String s, int max) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < s.length() && out.length() < max; i++) {
      char ch = s.charAt(i);
      if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f)) {
        out.append(String.format("\\x%02x", (int) ch));
      } else {
        out.append(ch);
      }
    }
    return i < s.length() ? out + "..." : out.toString();
  }
}
