package b8g.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The test server itself: a handler's failed assertion fails the test that closes the server. */
class RawHttpServerTest {
  @Test
  void shouldFailOnCloseWhenAHandlerFailed() throws Exception {
    RawHttpServer server = new RawHttpServer(0, x -> {
      throw new AssertionError("the handler saw something wrong");
    });
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(server.host().split(":")[1]))) {
      OutputStream out = s.getOutputStream();
      out.write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      assertEquals(-1, in.read(), "the handler ended the connection without an answer");
    }
    AssertionError e = assertThrows(AssertionError.class, server::close);
    assertTrue(e.getMessage().contains("the handler saw something wrong"), e.getMessage());
  }
}
