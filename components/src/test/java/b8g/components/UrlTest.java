package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** URL and URLSearchParams against the WHATWG URL Standard (test resource web/url-conformance.js). */
class UrlTest extends WebApiFixture {
  @Test
  void shouldParseSerializeAndSetUrlsAsTheStandardSays() throws Exception {
    assertTrue(conform("url", "url-conformance.js") > 250);
  }

  @Test
  void shouldMapDomainsToAsciiOnTheHostAsCloseToUts46AsTheJdkAllows() {
    assertEquals("xn--bcher-kva.example", DomainToAscii.apply("Bücher.example"));
    assertEquals("xn--bcher-kva.example", DomainToAscii.apply("BÜCHER.example"));
    // The documented difference: IDNA2003 maps the deviation character ß to "ss" (UTS #46
    // non-transitional processing gives xn--fa-hia.de).
    assertEquals("fass.de", DomainToAscii.apply("faß.de"));
    assertEquals("", DomainToAscii.apply("xn--a.example"), "invalid punycode is a failure");
    assertEquals("", DomainToAscii.apply("a".repeat(64) + "é.example"), "a label over 63 octets");
    // IDNA2003 without STD3 rules keeps C0 controls and forbidden code points: failures here, so
    // no result starts with the dispatcher's error mark (U+0000).
    assertEquals("", DomainToAscii.apply("\0.ä"), "a NUL");
    assertEquals("", DomainToAscii.apply("a\u001fb.ä"), "a C0 control");
    assertEquals("", DomainToAscii.apply("a%b.ä"), "a forbidden domain code point");
    assertEquals("", DomainToAscii.apply("a\u007fb.ä"), "DEL");
  }
}
