package b8g.http1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Body framing, well formed (across many small reads) and hostile: each refusal says what and where. */
class ResponseBodyTest {
  private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"; // the body begins at byte 47

  /** The body of {@code response} read to its end, in reads of random small sizes. */
  private static byte[] body(String response) throws IOException {
    return drain(open(Trickle.of(response), false), new Random(7));
  }

  private static InputStream open(InputStream in, boolean headRequest) throws IOException {
    return ResponseBody.open(in, ResponseHead.read(in), headRequest);
  }

  private static byte[] drain(InputStream body, Random random) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16];
    while (true) {
      if (random.nextInt(4) == 0) {
        int c = body.read();
        if (c < 0) {
          break;
        }
        out.write(c);
      } else {
        int off = random.nextInt(4);
        int n = body.read(buffer, off, 1 + random.nextInt(buffer.length - off));
        if (n < 0) {
          break;
        }
        out.write(buffer, off, n);
      }
    }
    assertEquals(-1, body.read(), "the end stays the end");
    return out.toByteArray();
  }

  private static <T extends IOException> String fails(Class<T> type, String response) {
    return assertThrows(type, () -> body(response)).getMessage();
  }

  private static void assertHas(String message, String expected) {
    assertTrue(message.contains(expected), "\"" + expected + "\" in: " + message);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void shouldRoundTripChunkedBodiesAcrossManySmallReads() throws IOException {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      byte[] data = new byte[random.nextInt(3000)];
      random.nextBytes(data);
      StringBuilder wire = new StringBuilder(CHUNKED);
      for (int at = 0; at < data.length; ) {
        int n = Math.min(data.length - at, 1 + random.nextInt(400));
        String size = Integer.toHexString(n);
        wire.append(random.nextBoolean() ? size : size.toUpperCase()).append(random.nextBoolean() ? ";ext=\"v\"" : "")
            .append("\r\n").append(new String(data, at, n, StandardCharsets.ISO_8859_1)).append("\r\n");
        at += n;
      }
      wire.append("0\r\n").append(random.nextBoolean() ? "X-Trailer: t\r\n" : "").append("\r\nNEXT");
      Trickle in = new Trickle(wire.toString().getBytes(StandardCharsets.ISO_8859_1), round, 1 + random.nextInt(9));
      ResponseHead head = ResponseHead.read(in);
      assertEquals(-1, ResponseBody.contentLength(head));
      assertArrayEquals(data, drain(ResponseBody.open(in, head, false), random), "round " + round);
      assertEquals("NEXT", in.rest(), "nothing read past the body");
    }
  }

  @Test
  void shouldRoundTripFixedLengthBodiesAcrossManySmallReads() throws IOException {
    Random random = new Random(43);
    for (int round = 0; round < 300; round++) {
      byte[] data = new byte[random.nextInt(3000)];
      random.nextBytes(data);
      String wire = "HTTP/1.1 200 OK\r\nContent-Length: " + data.length + "\r\n\r\n" + text(data) + "NEXT";
      Trickle in = new Trickle(wire.getBytes(StandardCharsets.ISO_8859_1), round, 1 + random.nextInt(9));
      ResponseHead head = ResponseHead.read(in);
      assertEquals(data.length, ResponseBody.contentLength(head));
      assertArrayEquals(data, drain(ResponseBody.open(in, head, false), random), "round " + round);
      assertEquals("NEXT", in.rest(), "nothing read past the body");
    }
  }

  @Test
  void shouldTakeListedEqualLengthsAndBodiesToTheEndOfTheConnection() throws IOException {
    assertEquals("abc", text(body("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabcdef")));
    assertEquals("abcdef", text(body("HTTP/1.1 200 OK\r\n\r\nabcdef")));
  }

  @Test
  void shouldGiveNoBodyForHeadAnd204And304() throws IOException {
    assertEquals(-1, open(Trickle.of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde"), true).read());
    assertEquals(0, body("HTTP/1.1 204 No Content\r\n\r\nabc").length);
    assertEquals(0, body("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nabcde").length);
  }

  @Test
  void shouldRefuseBadChunkSizes() {
    assertHas(fails(FramingException.class, CHUNKED + "zz\r\nhello\r\n0\r\n\r\n"),
        "bad chunk size line zz after body byte 0, at byte 47: 1 to 15 hex digits wanted");
    assertHas(fails(FramingException.class, CHUNKED + "1000000000000000\r\n"), "bad chunk size line 1000000000000000 after body byte 0, at byte 47");
    assertHas(fails(FramingException.class, CHUNKED + "-1\r\nx\r\n0\r\n\r\n"), "bad chunk size line -1 after body byte 0, at byte 47");
    assertHas(fails(FramingException.class, CHUNKED + "2\r\nab\r\n+1\r\nx\r\n0\r\n\r\n"), "bad chunk size line +1 after body byte 2, at byte 54");
    assertHas(fails(FramingException.class, CHUNKED + "\r\n"), "bad chunk size line  after body byte 0, at byte 47");
    assertHas(fails(FramingException.class, CHUNKED + "2\n"), "a chunk size line (after body byte 0) at byte 47 ends with a bare LF");
    assertHas(fails(FramingException.class, CHUNKED + "1;" + "x".repeat(5000) + "\r\n"),
        "a chunk size line (after body byte 0) at byte 47 is longer than 4096 bytes");
  }

  @Test
  void shouldRefuseAChunkNotFollowedByCrlf() {
    assertHas(fails(FramingException.class, CHUNKED + "5\r\nhelloX\r\n0\r\n\r\n"),
        "the chunk that ends at body byte 5 is not followed by CRLF at byte 55 (its data is longer than its size line says)");
    assertHas(fails(CutShortException.class, CHUNKED + "5\r\nhello\r"), "the connection ended before the CRLF after the chunk that ends at body byte 5");
  }

  @Test
  void shouldSayWhereAChunkedBodyWasCutShort() {
    assertHas(fails(CutShortException.class, CHUNKED + "5\r\nhel"), "the connection ended inside a chunk (after body byte 3), at byte 53");
    assertHas(fails(CutShortException.class, CHUNKED + "3\r\nabc\r\n"), "the connection ended in a chunk size line (after body byte 3), at byte 55");
    assertHas(fails(CutShortException.class, CHUNKED + "3\r\nabc\r\n0\r\nX-T: 1\r\n"),
        "the connection ended in the trailers (after body byte 3), at byte 66");
  }

  @Test
  void shouldRefuseATruncatedFixedLengthBody() {
    assertHas(fails(CutShortException.class, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"),
        "the connection ended at body byte 5 of the 10 the Content-Length declares, at byte 44");
  }

  @Test
  void shouldBoundTheTrailers() {
    assertHas(fails(FramingException.class, CHUNKED + "0\r\nX: " + "a".repeat(70_000) + "\r\n\r\n"),
        "a trailer line at byte 50 makes the trailers (after body byte 0) larger than 65536 bytes");
    assertHas(fails(FramingException.class, CHUNKED + "0\r\n" + "T: 1\r\n".repeat(257) + "\r\n"),
        "the trailers (after body byte 0): more than 256 trailer lines (the next at byte " + (50 + 256 * 6) + ")");
    assertHas(fails(FramingException.class, CHUNKED + "0\r\nT 1\r\n\r\n"), "bad trailer line at byte 50 (\"T 1\"): no colon");
    assertHas(fails(FramingException.class, CHUNKED + "0\r\nT: \0\r\n\r\n"), "a trailer line at byte 50 has control character 0x0 at index 3");
  }

  @Test
  void shouldRefuseConflictingFramingHeaders() {
    assertHas(fails(FramingException.class, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        "the response has both Transfer-Encoding chunked and Content-Length 5; refused (RFC 9112, 6.3; header lines at bytes 36 and 17)");
    assertHas(fails(FramingException.class, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
        "the response has conflicting Content-Length values 5, 6 (header line at byte 36)");
    assertHas(fails(FramingException.class, "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!"),
        "the response has conflicting Content-Length values 5, 6 (header line at byte 17)");
    for (String bad : new String[] {"-1", "+5", "5x", "", "0x5", "1234567890123456789"}) {
      assertHas(fails(FramingException.class, "HTTP/1.1 200 OK\r\nContent-Length: " + bad + "\r\n\r\n"),
          "the Content-Length " + bad + " is not 1 to 18 decimal digits (header line at byte 17)");
    }
    assertHas(fails(FramingException.class, "HTTP/1.1 204 No Content\r\nContent-Length: x\r\n\r\n"), "is not 1 to 18 decimal digits");
  }

  @Test
  void shouldTakeNoTransferCodingButChunkedAlone() {
    assertHas(fails(FramingException.class, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"),
        "the Transfer-Encoding gzip does not end with chunked (no other transfer coding is taken; header line at byte 17)");
    assertHas(fails(FramingException.class, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
        "the Transfer-Encoding chunked, gzip does not end with chunked");
    assertHas(fails(FramingException.class, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"),
        "the Transfer-Encoding gzip, chunked applies other codings before chunked (only chunked alone is taken; header line at byte 17)");
  }
}
