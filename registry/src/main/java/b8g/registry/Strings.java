package b8g.registry;

import b8g.errors.Printable;

/**
 * The name {@link BlobConnection} uses for {@link Printable#of}: untrusted text short and
 * printable (controls, bidi and other format characters escaped) before it goes into a message.
 * Everything else in this package calls {@link Printable#quoted} directly.
 */
final class Strings {
  private Strings() {}

  static String clip(String s) {
    return Printable.of(s, Printable.DEFAULT_MAX);
  }
}
