package b8g.host.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import b8g.host.HostFixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sockets through a NET grant: real sockets on 127.0.0.1, servers the test starts and stops. */
class NetConnectTest extends HostFixture {
  private ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void echoServer() throws Exception {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    pool.execute(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          pool.execute(() -> echo(s));
        } catch (Exception e) {
          return;
        }
      }
    });
  }

  private static void echo(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      in.transferTo(out);
      s.shutdownOutput();
    } catch (Exception e) {
      // the client went away
    }
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  private Path manifest(String script, String allow) throws Exception {
    write("c.js", script);
    return write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" host: LOG }
        grants { component: "c" host: NET allow: [%s] as: "net" }
        """.formatted(allow));
  }

  private ExitStatus run(Path m) throws Exception {
    try (Host h = launch(m)) {
      return finish(h).get("c");
    }
  }

  @Test
  void shouldEchoOverAConnectionAndSeeTheEndAfterClosingTheWriter() throws Exception {
    Path m = manifest("""
        async function main(env) {
          const c = await env.net.connect('127.0.0.1', %d);
          c.writer.write('hello, ');
          c.writer.write(new TextEncoder().encode('socket'));
          await c.writer.close();
          let got = '';
          for await (const chunk of c.reader) got += new TextDecoder().decode(chunk);
          console.log(got, c.remote, typeof c.local);
          c.close();
        }""".formatted(server.getLocalPort()), "\"127.0.0.1:" + server.getLocalPort() + "\"");
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of("[c] hello, socket 127.0.0.1:" + server.getLocalPort() + " string"), log);
  }
}
