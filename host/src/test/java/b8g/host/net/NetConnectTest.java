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
    // -v shows what the grant reaches.
    assertTrue(events.stream().anyMatch(e -> e.kind() == b8g.host.HostEvent.Kind.GRANTED
        && e.detail().equals("env.net = net [127.0.0.1:" + server.getLocalPort() + "]")), events.toString());
  }

  @Test
  void shouldListenAndAcceptConnectionsFromAJavaClient() throws Exception {
    Path m = manifest("""
        async function main(env) {
          const l = await env.net.listen('127.0.0.1', 0);
          console.log('port ' + l.port + ' ' + l.address);
          let n = 0;
          for await (const c of l) {
            let got = '';
            for await (const chunk of c.reader) got += new TextDecoder().decode(chunk);
            console.log('got ' + got + ' from ' + c.remote);
            await c.writer.write('pong:' + got);
            await c.writer.close();
            if (++n === 2) l.close();
          }
          console.log('served ' + n);
        }""", "\"127.0.0.1:*\"");
    try (Host h = launch(m)) {
      int port = awaitPort();
      for (String msg : new String[] {"one", "two"}) {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
          s.getOutputStream().write(msg.getBytes(StandardCharsets.UTF_8));
          s.shutdownOutput();
          assertEquals("pong:" + msg, new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8), log.toString());
        }
      }
      ExitStatus st = finish(h).get("c");
      assertTrue(st.success(), st + " " + log);
    }
    assertEquals("[c] served 2", log.get(log.size() - 1), log.toString());
  }

  private int awaitPort() throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      for (String line : List.copyOf(log)) {
        if (line.startsWith("[c] port ")) {
          return Integer.parseInt(line.split(" ")[2]);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the component did not say its port: " + log);
  }

  @Test
  void shouldCarryManyConcurrentConnections() throws Exception {
    Path m = manifest("""
        async function main(env) {
          const one = async (i) => {
            const c = await env.net.connect('127.0.0.1', %d);
            // Each write is one message of at most writer.maxMessage bytes (32 KiB - 8).
            const msg = 'message ' + i + ' ' + 'x'.repeat(i * 400);
            await c.writer.write(msg);
            await c.writer.close();
            let got = '';
            for await (const chunk of c.reader) got += new TextDecoder().decode(chunk);
            c.close();
            return got === msg;
          };
          const all = [];
          for (let i = 0; i < 64; i++) all.push(one(i));
          const ok = await Promise.all(all);
          console.log(ok.filter(Boolean).length);
        }""".formatted(server.getLocalPort()), "\"127.0.0.1:" + server.getLocalPort() + "\"");
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of("[c] 64"), log);
  }

  @Test
  void shouldRefuseWhatTheGrantDoesNotAllow() throws Exception {
    int port = server.getLocalPort();
    Path m = manifest("""
        async function main(env) {
          const out = [];
          const code = async (p) => { try { const c = await p; c.close(); return 'ok'; } catch (e) { return e.code || e.name; } };
          out.push(await code(env.net.connect('127.0.0.1', %1$d)));
          out.push(await code(env.net.connect('127.0.0.1', %1$d + 1)));
          out.push(await code(env.net.connect('127.0.0.3', %1$d)));
          out.push(await code(env.net.connect('localhost', %1$d)));
          out.push(await code(env.net.listen('127.0.0.1', 0)));
          out.push(await code(env.net.listen('127.0.0.2', %1$d + 2)));
          out.push(await code(env.net.connect('not a host', %1$d)));
          out.push(await code(env.net.connect('127.0.0.1', 70000)));
          console.log(out.join(' '));
        }""".formatted(port), "\"127.0.0.1:" + port + "\", \"127.0.0.2:*\"");
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    // localhost resolving only to 127.0.0.1 is covered by the exact-port pattern; where it also
    // resolves to ::1, that address is covered by no pattern and the name is refused.
    boolean onlyV4 = java.util.Arrays.stream(InetAddress.getAllByName("localhost")).allMatch(a -> a.getHostAddress().equals("127.0.0.1"));
    assertEquals(List.of("[c] ok net.denied net.denied " + (onlyV4 ? "ok" : "net.denied") + " net.denied ok TypeError RangeError"), log);
  }

  @Test
  void shouldNotLetAHostnameReachAnAddressOutsideThePatterns() throws Exception {
    int port = server.getLocalPort();
    // Only 127.0.0.2 is granted: "localhost" resolves to 127.0.0.1, outside it.
    Path m = manifest("""
        async function main(env) {
          try { await env.net.connect('localhost', %d); console.log('connected'); }
          catch (e) { console.log(e.code, e.message); }
        }""".formatted(port), "\"127.0.0.2:*\"");
    assertTrue(run(m).success());
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).startsWith("[c] net.denied "), log.get(0));
    assertTrue(log.get(0).contains("resolves to 127.0.0.1"), log.get(0));
  }

  @Test
  void shouldAllowANamePatternByNameOnlyNotItsAddressByLiteral() throws Exception {
    int port = server.getLocalPort();
    Path m = manifest("""
        async function main(env) {
          const out = [];
          try { (await env.net.connect('127.0.0.1', %1$d)).close(); out.push('literal ok'); } catch (e) { out.push(e.code); }
          try { const c = await env.net.connect('LocalHost.', %1$d); out.push('name ' + c.remote); c.close(); } catch (e) { out.push(e.code + ' ' + e.message); }
          console.log(out.join(', '));
        }""".formatted(port), "\"localhost:" + port + "\"");
    assertTrue(run(m).success());
    assertEquals(List.of("[c] net.denied, name 127.0.0.1:" + port), log);
  }

  @Test
  void shouldHaveNoNetworkWithoutAGrant() throws Exception {
    write("c.js", """
        async function main(env) {
          console.log(typeof env.net, typeof fetch, typeof Request, typeof Response, typeof Headers);
        }""");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" host: LOG }
        """);
    assertTrue(run(m).success());
    assertEquals(List.of("[c] undefined undefined function function function"), log);
  }

  @Test
  void shouldCloseConnectionsAndRefuseNewOnesWhenTheGrantIsRevoked() throws Exception {
    int port = server.getLocalPort();
    Path m = manifest("""
        async function main(env) {
          const c = await env.net.connect('127.0.0.1', %1$d);
          console.log('open');
          let first;
          try { const v = await c.reader.read(); first = 'read ' + v; } catch (e) { first = e.code; }
          let second;
          try { await env.net.connect('127.0.0.1', %1$d); second = 'connected'; } catch (e) { second = e.code; }
          console.log(first, second);
        }""".formatted(port), "\"127.0.0.1:" + port + "\"");
    try (Host h = launch(m)) {
      awaitLine("[c] open");
      h.revoke("c", "net");
      ExitStatus s = finish(h).get("c");
      assertTrue(s.success(), s + " " + log);
    }
    assertEquals(List.of("[c] open", "[c] capability.revoked capability.revoked"), log);
  }

  @Test
  void shouldCloseTheSocketsOfATerminatedComponentAndGoOn() throws Exception {
    int port = server.getLocalPort();
    Path m = manifest("""
        async function main(env) {
          const c = await env.net.connect('127.0.0.1', %1$d);
          const l = await env.net.listen('127.0.0.1', 0);
          c.writer.write('partial');
          console.log('port ' + l.port);
          await new Promise(() => {});
        }""".formatted(port), "\"127.0.0.1:*\"");
    Socket client;
    try (Host h = launch(m)) {
      int listening = awaitPort();
      // The listener accepts (the kernel's backlog) while the component lives.
      client = new Socket(InetAddress.getByName("127.0.0.1"), listening);
      h.component("c").terminate("test ends it");
      ExitStatus s = finish(h).get("c");
      assertTrue(!s.success(), s.toString());
      // Its accepted-but-never-taken connection and its listener are gone; the echo server saw
      // what it wrote, then the end of its connection.
      client.setSoTimeout(10_000);
      try {
        assertEquals(-1, client.getInputStream().read());
      } catch (java.net.SocketException e) {
        assertTrue(e.getMessage().contains("reset"), e.getMessage()); // closed in the backlog: a reset
      }
      client.close();
      assertRefused(listening);
    }
  }

  private static void assertRefused(int port) throws Exception {
    for (int i = 0; i < 100; i++) {
      try {
        new Socket(InetAddress.getByName("127.0.0.1"), port).close();
        Thread.sleep(50);
      } catch (java.net.ConnectException e) {
        return;
      }
    }
    throw new AssertionError("port " + port + " still accepts connections");
  }

  private void awaitLine(String line) throws InterruptedException {
    for (int i = 0; i < 600 && !log.contains(line); i++) {
      Thread.sleep(50);
    }
    assertTrue(log.contains(line), "no line " + line + " in " + log);
  }

  @Test
  void shouldRefuseANetGrantToAComponentInAWorker() throws Exception {
    Path m = manifest("async function main(env) {}", "\"127.0.0.1:*\"");
    b8g.host.manifest.ManifestException e = org.junit.jupiter.api.Assertions.assertThrows(
        b8g.host.manifest.ManifestException.class, () -> launch(m, b8g.host.manifest.schema.Isolation.PROCESS).close());
    assertEquals("manifest.isolation", e.code());
    assertTrue(e.getMessage().contains("m.txtpb:3:1: component \"c\": env.net grants host capability NET, which a component "
        + "in a worker process cannot use yet"), e.getMessage());
  }
}
