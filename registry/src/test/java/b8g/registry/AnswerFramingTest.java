package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Blob answers that break HTTP/1.1 framing as RFC 9112 defines it, sent by a {@link RawHttpServer}
 * for every blob of a pull: each fails the pull with an error that names the fault, where it is
 * (the header, or the body byte it follows) and the blob and registry asked, and nothing of the pull is stored (no blob, no temp file, no tag).
 */
class AnswerFramingTest {
  @TempDir Path home;

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  /** An answer with the blob as its body after {@code head} (status line and headers, without the blank line). */
  private static Function<byte[], byte[]> withBody(String head) {
    return blob -> concat(ascii(head.replace("N", Integer.toString(blob.length)) + "\r\n\r\n"), blob);
  }

  /** A chunked answer: {@code sizeLine}, the blob, CRLF, then the last chunk. */
  private static Function<byte[], byte[]> chunkedAs(String sizeLine) {
    return blob -> concat(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + sizeLine.replace("H", Integer.toHexString(blob.length)) + "\r\n"), blob, ascii("\r\n0\r\n\r\n"));
  }

  static Stream<Arguments> answers() {
    String ok = "HTTP/1.1 200 OK\r\n";
    return Stream.of(
        Arguments.of("a signed Content-Length", withBody(ok + "Content-Length: +N"), "Content-Length +"),
        Arguments.of("a negative Content-Length", withBody(ok + "Content-Length: -1"), "Content-Length -1 is not 1 to 18 decimal digits"),
        Arguments.of("a Content-Length with a letter", withBody(ok + "Content-Length: Nx"), "is not 1 to 18 decimal digits"),
        Arguments.of("a Content-Length of 19 digits", withBody(ok + "Content-Length: 0000000000000000001"), "is not 1 to 18 decimal digits"),
        Arguments.of("conflicting Content-Lengths", withBody(ok + "Content-Length: N\r\nContent-Length: 1"), "conflicting Content-Length values"),
        Arguments.of("conflicting Content-Lengths in a list", withBody(ok + "Content-Length: N, 1"), "conflicting Content-Length values"),
        Arguments.of("Transfer-Encoding with Content-Length",
            (Function<byte[], byte[]>) blob -> concat(ascii(ok + "Content-Length: " + blob.length + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(blob.length) + "\r\n"), blob, ascii("\r\n0\r\n\r\n")),
            "both Transfer-Encoding chunked and Content-Length"),
        Arguments.of("chunked not last", withBody(ok + "Transfer-Encoding: chunked, gzip"), "Transfer-Encoding chunked, gzip does not end with chunked"),
        Arguments.of("a coding named like chunked", withBody(ok + "Transfer-Encoding: notchunked"), "does not end with chunked"),
        Arguments.of("another coding", withBody(ok + "Transfer-Encoding: gzip"), "Transfer-Encoding gzip does not end with chunked"),
        Arguments.of("a signed chunk size", chunkedAs("+H"), "bad chunk size line +"),
        Arguments.of("a chunk size of -0", chunkedAs("-0"), "bad chunk size line -0 after body byte 0"),
        Arguments.of("a chunk size with a space inside", chunkedAs("1 H"), "bad chunk size line"),
        Arguments.of("a status line of HTTP/1.9", withBody("HTTP/1.9 200 OK\r\nContent-Length: N"), "status line is not HTTP/1.0 or HTTP/1.1"),
        Arguments.of("a signed status", withBody("HTTP/1.1 +200 OK\r\nContent-Length: N"), "status line is not HTTP/1.0 or HTTP/1.1"),
        Arguments.of("a status of -1", withBody("HTTP/1.1 -1 OK\r\nContent-Length: N"), "status line is not HTTP/1.0 or HTTP/1.1"),
        Arguments.of("a space before a header's colon", withBody(ok + "Content-Length : N"), "bad header line"),
        Arguments.of("a folded header line", withBody(ok + "X-A: 1\r\n folded\r\nContent-Length: N"), "bad header line"),
        Arguments.of("a body cut at a chunk size line",
            (Function<byte[], byte[]>) blob -> concat(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n"),
                java.util.Arrays.copyOf(blob, 3), ascii("\r\n")),
            "the connection ended in a chunk size line (after body byte 3)"),
        Arguments.of("a body cut in the trailers",
            (Function<byte[], byte[]>) blob -> concat(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(blob.length) + "\r\n"), blob, ascii("\r\n0\r\nX-T: 1\r\n")),
            "the connection ended in the trailers"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("answers")
  void shouldFailThePullAndStoreNothing(String name, Function<byte[], byte[]> answer, String expected) throws Exception {
    Unit.Packed packed = Fixtures.unit("remote", "framing").pack();
    try (RawHttpServer server = new RawHttpServer(0, x -> {
          String digest = x.path().startsWith("/v2/f/u/blobs/") ? x.path().substring("/v2/f/u/blobs/".length()) : "";
          byte[] blob = packed.blobs().get(digest);
          if (x.path().equals("/v2/f/u/manifests/1")) {
            x.answer(200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), packed.manifest());
          } else if (blob != null) {
            x.out().write(answer.apply(blob));
            x.out().flush();
          } else {
            x.answer(404, Map.of(), new byte[0]);
          }
        });
        Registry reg = Registry.open(new Registry.Context().home(home))) {
      RegistryException e = assertThrows(RegistryException.class, () -> reg.pull(server.host() + "/f/u:1"));
      // a body cut short is a lost connection; every other fault is the registry's protocol error
      assertEquals(name.startsWith("a body cut") ? RegistryException.CONNECTION : RegistryException.PROTOCOL, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains(expected), e.getMessage());
      assertTrue(e.getMessage().contains("blob sha256:") && e.getMessage().contains(server.host() + "/f/u"), "names the request: " + e.getMessage());
      assertEquals(List.of(), reg.ls(null));
      Path blobs = reg.storePath().resolve("blobs/sha256");
      for (String digest : packed.blobs().keySet()) {
        assertFalse(Files.exists(blobs.resolve(Digest.hex(digest))), "blob " + digest + " was not stored");
      }
      try (Stream<Path> s = Files.exists(blobs) ? Files.list(blobs) : Stream.empty()) {
        assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp")).toList());
      }
      assertEquals(List.of(), reg.check());
    }
  }
}
