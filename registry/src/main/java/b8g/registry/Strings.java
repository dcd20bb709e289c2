package b8g.registry;

/** Keeps untrusted text short and printable before it goes into an error message. */
final class Strings {
  private Strings() {}

  static String clip(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    if (b.length() < s.length()) {
      b.append("...");
    }
    return b.toString();
  }
}
