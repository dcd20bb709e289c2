package b8g.components;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The URL Standard's "domain to ASCII" (beStrict false) for domains the prelude cannot settle
 * itself: those with a non-ASCII code point or a label starting "xn--". ASCII-only domains
 * without such a label never get here (url.js lower-cases them).
 *
 * <p>The standard asks for UTS #46 ToASCII (CheckHyphens false, CheckBidi true, CheckJoiners
 * true, UseSTD3ASCIIRules false, Transitional_Processing false, VerifyDnsLength false). The JDK
 * has only IDNA2003 ({@link IDN}, with nameprep); this class gets as close as it allows: the
 * input is NFC-normalised and lower-cased (Locale.ROOT), then {@code IDN.toASCII} with
 * {@code ALLOW_UNASSIGNED}; each "xn--" label must decode as Punycode. Where the result differs
 * from UTS #46 non-transitional processing:
 * <ul>
 *   <li>deviation characters are mapped as in transitional processing: ß becomes "ss", final
 *       sigma ς becomes σ, ZWJ and ZWNJ are removed (UTS #46 keeps all four and encodes them);
 *   <li>IDNA2003's mappings and prohibitions are Unicode 3.2's: code points that UTS #46 maps or
 *       disallows by newer data (some symbols, emoji) may be accepted or refused differently;
 *   <li>a label longer than 63 octets or a domain longer than 253 is refused (IDN checks DNS
 *       lengths; UTS #46 with VerifyDnsLength false does not);
 *   <li>no CheckBidi or CheckJoiners (ContextJ) rules beyond IDNA2003's own bidi check.
 * </ul>
 * The forbidden-domain-code-point check and the IPv4 step after it stay in url.js, as the
 * standard orders them; a result holding a forbidden domain code point (C0 controls included,
 * which IDNA2003 without STD3 rules lets through) is a failure here already, so no result can
 * begin with the dispatcher's error mark (U+0000) and url.js raises its usual TypeError.
 */
final class DomainToAscii {
  private DomainToAscii() {}

  /** Longest domain accepted from JS, in UTF-16 units (a DNS name is at most 253 octets). */
  static final int MAX_INPUT = 1024;

  /** The ASCII domain, or the empty string for the standard's failure. */
  static String apply(String domain) {
    String mapped = Normalizer.normalize(domain, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    String ascii;
    try {
      ascii = IDN.toASCII(mapped, IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException e) {
      return "";
    }
    for (String label : ascii.split("\\.", -1)) {
      if (label.regionMatches(true, 0, "xn--", 0, 4)) {
        // IDN.toUnicode returns its input unchanged when the Punycode is invalid.
        String unicode = IDN.toUnicode(label, IDN.ALLOW_UNASSIGNED);
        if (unicode.equalsIgnoreCase(label)) {
          return "";
        }
      }
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (forbiddenDomain(ascii.charAt(i))) {
        return "";
      }
    }
    return ascii.toLowerCase(Locale.ROOT);
  }

  /** The URL Standard's forbidden domain code points (ASCII; the result here is ASCII). */
  static boolean forbiddenDomain(char c) {
    return c <= 0x20 || c == 0x7f || c >= 0x80 || "#%/:<>?@[\\]^|".indexOf(c) >= 0;
  }
}
