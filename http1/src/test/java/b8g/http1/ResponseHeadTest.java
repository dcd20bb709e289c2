package b8g.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Response heads, well formed and hostile: each refusal says what and at which byte. */
class ResponseHeadTest {
  private static final String OK = "HTTP/1.1 200 OK\r\n"; // 17 bytes: the first header line is at byte 17

  private static <T extends IOException> String fails(Class<T> type, String response) {
    T e = assertThrows(type, () -> ResponseHead.read(Trickle.of(response)));
    return e.getMessage();
  }

  private static void assertHas(String message, String expected) {
    assertTrue(message.contains(expected), "\"" + expected + "\" in: " + message);
  }

  @Test
  void shouldReadTheStatusAndFieldsAndNothingPastTheHead() throws IOException {
    String response = "HTTP/1.0 100 Continue\r\nX: 1\r\n\r\n" + OK + "Content-Type:\t text/plain \r\nX-Empty:\r\n"
        + "x-a: 1\r\nX-A: 2\r\n\r\nbody";
    Trickle in = Trickle.of(response);
    ResponseHead head = ResponseHead.read(in);
    assertEquals(200, head.status());
    assertEquals("OK", head.reason());
    assertEquals(List.of("content-type", "text/plain", "x-empty", "", "x-a", "1", "x-a", "2"), head.fields());
    assertEquals("text/plain", head.first("content-type"));
    assertEquals(List.of("1", "2"), head.values("x-a"));
    assertEquals(null, head.first("x-b"));
    assertEquals("body", in.rest(), "the stream stands at the body's first byte");
    assertEquals(response.length() - "body".length(), head.length());
  }

  @Test
  void shouldTakeAStatusLineWithoutAReasonAnd101AsFinal() throws IOException {
    ResponseHead head = ResponseHead.read(Trickle.of("HTTP/1.1 204\r\n\r\n"));
    assertEquals(204, head.status());
    assertEquals("", head.reason());
    assertEquals(101, ResponseHead.read(Trickle.of("HTTP/1.1 101 Switching Protocols\r\n\r\n")).status());
  }

  @Test
  void shouldRefuseAnOversizedHeaderLine() {
    String m = fails(FramingException.class, OK + "X: " + "a".repeat(70_000) + "\r\n\r\n");
    assertHas(m, "a header line at byte 17 makes the response head larger than 65536 bytes");
  }

  @Test
  void shouldCountInterimResponsesInTheHeadsBytes() {
    String interim = "HTTP/1.1 100 Continue\r\nX: " + "a".repeat(33_000) + "\r\n\r\n";
    assertHas(fails(FramingException.class, interim + interim + OK + "\r\n"), "makes the response head larger than 65536 bytes");
  }

  @Test
  void shouldRefuseTooManyHeaderLines() {
    String m = fails(FramingException.class, OK + "X: 1\r\n".repeat(257) + "\r\n");
    assertHas(m, "the response head: more than 256 header lines (the next at byte " + (17 + 256 * 6) + ")");
  }

  @Test
  void shouldRefuseTooManyInterimResponses() {
    String m = fails(FramingException.class, "HTTP/1.1 100 Continue\r\n\r\n".repeat(17) + OK + "\r\n");
    assertHas(m, "the server sent more than 16 interim (1xx) responses");
  }

  @Test
  void shouldRefuseControlCharacters() {
    assertHas(fails(FramingException.class, OK + "X: a\0b\r\n\r\n"), "a header line at byte 17 has control character 0x0 at index 4");
    assertHas(fails(FramingException.class, OK + "X: a\rb\r\n\r\n"), "a header line at byte 17 has control character 0xd at index 4 (a CR not followed by LF)");
    assertHas(fails(FramingException.class, OK + "X: 1\r\nY: \u007f\r\n\r\n"), "a header line at byte 23 has control character 0x7f at index 3");
    assertHas(fails(FramingException.class, "HTTP/1.1 200 O\u0001K\r\n\r\n"), "the status line at byte 0 has control character 0x1 at index 14");
  }

  @Test
  void shouldRefuseABareLf() {
    assertHas(fails(FramingException.class, "HTTP/1.1 200 OK\nX: 1\n\n"), "the status line at byte 0 ends with a bare LF (CRLF wanted)");
    assertHas(fails(FramingException.class, OK + "X: 1\n\r\n"), "a header line at byte 17 ends with a bare LF");
    assertHas(fails(FramingException.class, OK + "X: 1\r\n\n"), "a header line at byte 23 ends with a bare LF");
  }

  @Test
  void shouldRefuseMalformedHeaderLines() {
    assertHas(fails(FramingException.class, OK + "Bad Header Line\r\n\r\n"), "bad header line at byte 17 (\"Bad Header Line\"): no colon");
    assertHas(fails(FramingException.class, OK + "Content-Length : 1\r\n\r\n"),
        "bad header line at byte 17 (\"Content-Length : 1\"): the name before the colon is not a token");
    assertHas(fails(FramingException.class, OK + "X: 1\r\n folded\r\n\r\n"), "bad header line at byte 23 (\" folded\"): obsolete line folding is refused");
    assertHas(fails(FramingException.class, OK + ": 1\r\n\r\n"), "bad header line at byte 17");
  }

  @Test
  void shouldRefuseWhatIsNotAnHttp1StatusLine() {
    for (String line : List.of("GARBAGE", "HTTP/1.9 200 OK", "HTTP/1.1 +200 OK", "HTTP/1.1 -1 OK", "HTTP/2 200", "HTTP/1.1 2000 OK",
        "HTTP/1.1  200 OK", "http/1.1 200 OK", "HTTP/1.1 200OK")) {
      String m = fails(FramingException.class, line + "\r\n\r\n");
      assertHas(m, "the status line is not HTTP/1.0 or HTTP/1.1 and a three-digit status, at byte 0 (it began \"" + line + "\")");
    }
    assertHas(fails(FramingException.class, "\u0016\u0003\u0001\r\n"), "(it began \"\\x16\\x03\\x01\")");
  }

  @Test
  void shouldSayWhereTheConnectionEndedInTheHead() {
    assertHas(fails(CutShortException.class, ""), "the server closed the connection without a response");
    assertHas(fails(CutShortException.class, "HTTP/1.1 2"), "the connection ended in the response head, at byte 10, in the status line that began at byte 0");
    assertHas(fails(CutShortException.class, OK + "X: 1\r\nY"), "the connection ended in the response head, at byte 24, in a header line that began at byte 23");
  }
}
