package b8g.http1;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Well-formed responses, mutated at random (bytes changed, dropped, inserted, the stream cut): a
 * read either succeeds or fails with a {@link FramingException} or {@link CutShortException}
 * whose message names a byte, never with another exception, and never returns more body than
 * the bytes sent.
 */
class FramingFuzzTest {
  private static final List<String> SEEDS = List.of(
      "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: 1\r\n\r\nhello world",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n6\r\n world\r\n0\r\nT: 1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n",
      "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nto the end");
  /** Bytes a mutation inserts: the ones framing turns on. */
  private static final List<String> TOKENS = List.of("\r\n", "\n", "\r", ":", " ", ";", "-", "0", "f", "ffffffffffffffff",
      "\0", "\u007f", "\u00ff", "Content-Length: 3\r\n", "Transfer-Encoding: chunked\r\n", "HTTP/1.1 100 A\r\n\r\n");

  @Test
  void shouldOnlyEverFailWithAFramingErrorThatNamesAByte() {
    Random random = new Random(2026);
    int failures = 0;
    for (int round = 0; round < 30_000; round++) {
      byte[] wire = mutate(SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.ISO_8859_1), random);
      InputStream in = new Trickle(wire, round, 1 + random.nextInt(8));
      try {
        ResponseHead head = ResponseHead.read(in);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ResponseBody.open(in, head, false).transferTo(body);
        assertTrue(head.length() + body.size() <= wire.length, "more bytes than were sent, round " + round);
      } catch (FramingException | CutShortException e) {
        failures++;
        assertTrue(e.getMessage().contains("byte") || e.getMessage().contains("interim")
            || e.getMessage().contains("without a response"), e.getMessage());
      } catch (IOException | RuntimeException e) {
        fail("round " + round + ": " + e + " for " + new String(wire, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n"), e);
      }
    }
    assertTrue(failures > 1000, "the mutations break framing often enough to test it: " + failures);
  }

  private static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed;
    for (int k = 1 + random.nextInt(3); k > 0; k--) {
      int at = random.nextInt(b.length + 1);
      ByteArrayOutputStream next = new ByteArrayOutputStream();
      next.write(b, 0, at);
      switch (random.nextInt(4)) {
        case 0 -> next.write(random.nextInt(256)); // a byte changed
        case 1 -> { } // a byte dropped
        case 2 -> next.writeBytes(TOKENS.get(random.nextInt(TOKENS.size())).getBytes(StandardCharsets.ISO_8859_1));
        default -> {
          return next.toByteArray(); // cut
        }
      }
      int skip = at + (random.nextBoolean() ? 1 : 0);
      if (skip < b.length) {
        next.write(b, skip, b.length - skip);
      }
      b = next.toByteArray();
    }
    return b;
  }
}
