package b8g.host.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import b8g.host.HostFixture;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * fetch through a NET grant against a real HTTP server (the JDK's) and raw sockets speaking
 * garbage or nothing, all on 127.0.0.1, started and stopped by the test.
 */
class FetchTest extends HostFixture {
  private HttpServer http;
  private int port;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void server() throws Exception {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    http.setExecutor(pool);
    http.createContext("/echo", x -> {
      byte[] body = x.getRequestBody().readAllBytes();
      String text = x.getRequestMethod() + " " + x.getRequestURI() + " " + x.getRequestHeaders().getFirst("X-Test") + " "
          + x.getRequestHeaders().getFirst("Content-Type") + " [" + new String(body, StandardCharsets.UTF_8) + "]";
      x.getResponseHeaders().add("X-Reply", "yes");
      x.getResponseHeaders().add("Set-Cookie", "a=1");
      x.getResponseHeaders().add("Set-Cookie", "b=2");
      reply(x, 201, text);
    });
    http.createContext("/json", x -> {
      x.getResponseHeaders().add("Content-Type", "application/json");
      reply(x, 200, "{\"answer\": 42, \"list\": [1, 2]}");
    });
    http.createContext("/stream", x -> {
      // Chunked (length 0), 16 pieces of 64 KiB with pauses: the component sees it as it comes.
      x.sendResponseHeaders(200, 0);
      try (OutputStream out = x.getResponseBody()) {
        byte[] piece = new byte[64 * 1024];
        for (int i = 0; i < 16; i++) {
          java.util.Arrays.fill(piece, (byte) ('a' + i));
          out.write(piece);
          out.flush();
          Thread.sleep(5);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    http.createContext("/redirect", x -> {
      String q = x.getRequestURI().getQuery();
      x.getResponseHeaders().add("Location", q == null ? "/json" : q.substring("to=".length()));
      reply(x, 302, "");
    });
    http.createContext("/auth", x -> reply(x, 200, x.getRequestHeaders().getFirst("Authorization") + " "
        + x.getRequestHeaders().getFirst("Cookie") + " " + x.getRequestHeaders().getFirst("X-Test")));
    http.createContext("/multiple", x -> {
      x.getResponseHeaders().add("Location", "/json");
      reply(x, 300, "choose");
    });
    http.createContext("/big", x -> reply(x, 200, "b".repeat(128 * 1024)));
    http.createContext("/loop", x -> {
      x.getResponseHeaders().add("Location", "/loop");
      reply(x, 307, "");
    });
    http.start();
    port = http.getAddress().getPort();
  }

  private static void reply(HttpExchange x, int status, String text) throws java.io.IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : List.copyOf(held)) {
      s.close();
    }
    http.stop(0);
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

  private ExitStatus run(Path m, Duration netTimeout) throws Exception {
    try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).netTimeout(netTimeout))) {
      return finish(h).get("c");
    }
  }

  private ExitStatus run(Path m) throws Exception {
    return run(m, Duration.ofSeconds(30));
  }

  private String granted() {
    return "\"127.0.0.1:" + port + "\"";
  }

  @Test
  void shouldGetAndPostWithHeadersAndBodies() throws Exception {
    Path m = manifest("""
        async function main(env) {
          const base = 'http://127.0.0.1:%d';
          const r1 = await env.net.fetch(base + '/echo?x=1', { headers: { 'X-Test': 'one' } });
          console.log(r1.status, r1.ok, r1.statusText, r1.headers.get('x-reply'), JSON.stringify(r1.headers.getSetCookie()), await r1.text());
          const r2 = await env.net.fetch(new Request(base + '/echo', { method: 'post', body: 'données', headers: new Headers([['x-test', 'two']]) }));
          console.log(await r2.text(), r2.bodyUsed, r2.url === base + '/echo');
          const { fetch } = env.net;
          const r3 = await fetch(base + '/echo', { method: 'PUT', body: new URLSearchParams({ a: 'b c' }) });
          console.log(await r3.text());
          const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('str')); c.enqueue(new TextEncoder().encode('eamed')); c.close(); } });
          console.log(await (await fetch(base + '/echo', { method: 'POST', body: stream })).text());
          const r4 = await fetch(new URL('/json', base));
          const j = await r4.json();
          console.log(j.answer + j.list.length, r4.headers.get('content-type'));
        }""".formatted(port), granted());
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of(
        "[c] 201 true Created yes [\"a=1\",\"b=2\"] GET /echo?x=1 one null []",
        "[c] POST /echo two text/plain;charset=UTF-8 [données] true true",
        "[c] PUT /echo null application/x-www-form-urlencoded;charset=UTF-8 [a=b+c]",
        "[c] POST /echo null null [streamed]",
        "[c] 44 application/json"), log);
  }

  @Test
  void shouldStreamAResponseBodyAsItComes() throws Exception {
    Path m = manifest("""
        async function main(env) {
          const r = await env.net.fetch('http://127.0.0.1:%d/stream');
          let chunks = 0, bytes = 0, last = 0;
          for await (const c of r.body) { chunks++; bytes += c.length; last = c[c.length - 1]; }
          console.log(chunks > 1, bytes, String.fromCharCode(last), r.bodyUsed);
        }""".formatted(port), granted());
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of("[c] true 1048576 p true"), log);
  }

  @Test
  void shouldFollowRedirectsOnlyToGrantedOrigins() throws Exception {
    try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Path m = manifest("""
          async function main(env) {
            const base = 'http://127.0.0.1:%d';
            const r = await env.net.fetch(base + '/redirect');
            console.log(r.status, r.redirected, r.url === base + '/json', (await r.json()).answer);
            const manual = await env.net.fetch(base + '/redirect', { redirect: 'manual' });
            console.log(manual.status, manual.headers.get('location'));
            try { await env.net.fetch(base + '/redirect?to=http://127.0.0.1:%d/x'); console.log('followed'); }
            catch (e) { console.log(e.name, e.code, e.message.includes('redirect')); }
            try { await env.net.fetch(base + '/redirect', { redirect: 'error' }); } catch (e) { console.log(e.name); }
            try { await env.net.fetch(base + '/loop'); } catch (e) { console.log(e.name, e.message.endsWith('more than 20 redirects')); }
          }""".formatted(port, other.getLocalPort()), granted());
      ExitStatus s = run(m);
      assertTrue(s.success(), s + " " + log);
    }
    assertEquals(List.of("[c] 200 true true 42", "[c] 302 /json", "[c] CapabilityError net.denied true", "[c] TypeError",
        "[c] TypeError true"), log);
  }

  @Test
  void shouldRefuseOriginsOutsideTheGrant() throws Exception {
    Path m = manifest("""
        async function main(env) {
          const out = [];
          for (const url of ['http://127.0.0.1:%1$d/json', 'http://127.0.0.2:%1$d/json', 'http://localhost:%1$d/json', 'ftp://127.0.0.1:%1$d/', 'relative/url']) {
            try { const r = await env.net.fetch(url); out.push(r.status); } catch (e) { out.push(e.name + (e.code ? ':' + e.code : '')); }
          }
          console.log(out.join(' '));
        }""".formatted(port), "\"127.0.0.1:" + (port == 65535 ? 1 : port + 1) + "\"");
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of("[c] CapabilityError:net.denied CapabilityError:net.denied CapabilityError:net.denied TypeError TypeError"), log);
  }

  /** Connections a raw server keeps open (none may be closed by the garbage collector meanwhile). */
  private final List<Socket> held = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  /** A server that answers each connection with {@code reply} (or nothing, when null) and keeps it open. */
  private int rawServer(ServerSocket ss, String reply) {
    pool.execute(() -> {
      while (!ss.isClosed()) {
        try {
          Socket s = ss.accept();
          held.add(s);
          if (reply != null) {
            s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            if (!reply.endsWith("KEEP")) {
              s.close();
            }
          }
        } catch (Exception e) {
          return;
        }
      }
    });
    return ss.getLocalPort();
  }

  @Test
  void shouldRejectAPendingFetchAndConnectWhenTheGrantIsRevoked() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      int p = rawServer(ss, null); // accepts and never answers
      Path m = manifest("""
          async function main(env) {
            const f = env.net.fetch('http://127.0.0.1:%1$d/', { method: 'POST', body: 'x' });
            const l = await env.net.listen('127.0.0.1', 0);
            const a = l.accept();
            console.log('pending');
            for (const [what, p] of [['fetch', f], ['accept', a]]) {
              try { await p; console.log(what + ' settled'); } catch (e) { console.log(what + ' ' + e.name + ' ' + e.code); }
            }
          }""".formatted(p), "\"127.0.0.1:*\"");
      try (Host h = Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add))) {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!log.contains("[c] pending") && System.nanoTime() < until) {
          Thread.sleep(10);
        }
        Thread.sleep(200); // the fetch's socket is connected and waits for a head
        h.revoke("c", "net");
        ExitStatus s = finish(h, Duration.ofSeconds(10)).get("c");
        assertTrue(s.success(), s + " " + log);
      }
    }
    assertEquals(List.of("[c] pending", "[c] fetch CapabilityError capability.revoked",
        "[c] accept CapabilityError capability.revoked"), log);
  }

  @Test
  void shouldReleaseResponseBodiesLeftUnreadBeyondTheCap() throws Exception {
    // More responses than a component may hold connections open (1,024), none read: the least
    // recently read beyond 256 are released, so none of these fetches is refused as net.busy.
    Path m = manifest("""
        async function main(env) {
          const kept = [];
          let busy = 0;
          for (let i = 0; i < 1100; i++) {
            try { kept.push(await env.net.fetch('http://127.0.0.1:%1$d/big')); } catch (e) { busy++; if (busy === 1) console.log(e.message); }
          }
          console.log('busy ' + busy);
          try { await kept[0].text(); console.log('first read'); } catch (e) { console.log('first ' + e.name + ': ' + e.message); }
          console.log('last ' + (await kept[1099].text()).length);
        }""".formatted(port), granted());
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    assertEquals("[c] busy 0", log.get(0), log.toString());
    assertEquals("[c] first TypeError: fetch http://127.0.0.1:" + port + "/big: the response body was released unread: more "
        + "than 256 response bodies were left unread", log.get(1));
    assertEquals("[c] last 131072", log.get(2));
  }

  @Test
  void shouldTurnAGarbageSpeakingServerIntoClearTypeErrors() throws Exception {
    String[] replies = {
        "GARBAGE\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: " + "a".repeat(70_000) + "\r\n\r\n",
        "",
    };
    StringBuilder results = new StringBuilder();
    for (String reply : replies) {
      try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
        int p = rawServer(ss, reply);
        log.clear();
        Path m = manifest("""
            async function main(env) {
              try { const r = await env.net.fetch('http://127.0.0.1:%d/'); const t = await r.text(); console.log('ok ' + t); }
              catch (e) { console.log(e.name + ': ' + e.message); }
            }""".formatted(p), "\"127.0.0.1:" + p + "\"");
        ExitStatus s = run(m);
        assertTrue(s.success(), s + " " + log);
        results.append(log).append('\n');
      }
    }
    String out = results.toString();
    assertTrue(out.contains("TypeError: fetch http://127.0.0.1:") && out.contains("status line is not HTTP/1.0 or HTTP/1.1 and a three-digit status, at byte 0 (it began \"GARBAGE\")"), out);
    assertTrue(out.contains("bad header line at byte 17 (\"Bad Header Line\"): no colon"), out);
    assertTrue(out.contains("the response body was cut short"), out);
    assertTrue(out.contains("larger than 65536 bytes"), out);
    assertTrue(out.contains("closed the connection without a response"), out);
    assertEquals(6, out.split("\n").length, out);
    for (String line : out.split("\n")) {
      assertTrue(line.startsWith("[[c] TypeError: "), line);
      assertTrue(!line.contains("java.") && !line.contains("Exception"), line);
    }
  }

  @Test
  void shouldTimeOutAServerThatNeverAnswers() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      int p = rawServer(ss, null);
      Path m = manifest("""
          async function main(env) {
            const t0 = Date.now();
            try { await env.net.fetch('http://127.0.0.1:%d/'); console.log('answered'); }
            catch (e) { console.log(e.name + ': ' + e.message, Date.now() - t0 >= 900); }
          }""".formatted(p), "\"127.0.0.1:" + p + "\"");
      ExitStatus s = run(m, Duration.ofSeconds(1));
      assertTrue(s.success(), s + " " + log);
    }
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).matches("\\[c] TypeError: fetch http://127\\.0\\.0\\.1:\\d+/: no response within 1000 ms true"), log.get(0));
  }

  @Test
  void shouldKeepFetchAndItsClassesWorkingWhenUserCodePatchesBuiltIns() throws Exception {
    Path m = manifest("""
        Object.defineProperty(Object.prototype, 'then', { set() { throw new Error('setter ran'); }, get() { return undefined; }, configurable: true });
        Object.defineProperty(Object.prototype, 'done', { set() { throw new Error('done setter ran'); }, configurable: true });
        Array.prototype.push = function () { throw new Error('push ran'); };
        Promise.prototype.then = function () { throw new Error('then ran'); };
        Function.prototype.call = function () { throw new Error('call ran'); };
        Function.prototype.apply = function () { throw new Error('apply ran'); };
        JSON.parse = () => { throw new Error('parse ran'); };
        async function main(env) {
          const r = await env.net.fetch('http://127.0.0.1:%d/echo', { method: 'POST', body: 'x', headers: { 'X-Test': 't' } });
          const text = await r.text();
          const j = await (await env.net.fetch('http://127.0.0.1:%d/json')).json();
          const h = new Headers({ b: '2', a: '1' });
          const keys = [];
          for (const [k] of h) keys[keys.length] = k;
          const resp = new Response('body', { status: 299 });
          console.log(text, j.answer, keys.join(''), resp.status, await resp.text());
        }""".formatted(port, port), granted());
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of("[c] POST /echo t text/plain;charset=UTF-8 [x] 42 ab 299 body"), log);
  }

  @Test
  void shouldNeitherReadAPatchedThenNorTrustAPatchedHasInstance() throws Exception {
    Path m = manifest("""
        const hits = [];
        Object.defineProperty(Object.prototype, 'then', { get() {
          // A Response or bytes are what public APIs (fetch, a channel's read) resolve with.
          if (!(this instanceof Response) && !ArrayBuffer.isView(this)) hits.push(Object.keys(this).join('/') || '?');
          return undefined;
        }, configurable: true });
        Object.defineProperty(Uint8Array, Symbol.hasInstance, { value: () => false });
        Object.defineProperty(CapabilityError, Symbol.hasInstance, { value: () => false });
        async function main(env) {
          const l = await env.net.listen('127.0.0.1', 0);
          const c = await env.net.connect('127.0.0.1', l.port);
          let n = 0;
          for await (const conn of l) { n++; conn.close(); setTimeout(() => l.close(), 50); }
          c.close();
          const body = new ReadableStream({ start(ctl) { ctl.enqueue(new TextEncoder().encode('streamed')); ctl.close(); } });
          const r = await env.net.fetch('http://127.0.0.1:%d/echo', { method: 'POST', body, duplex: 'half' });
          console.log(n, await r.text(), JSON.stringify(hits));
        }""".formatted(port), "\"127.0.0.1:*\"");
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of("[c] 1 POST /echo null null [streamed] []"), log);
  }

  @Test
  void shouldOfferHeadersRequestAndResponseAsTheFetchStandardSays() throws Exception {
    write("c.js", """
        async function main() {
          const out = [];
          const h = new Headers([['Content-Type', 'text/plain'], ['X-A', ' 1 ']]);
          h.append('x-a', '2');
          out.push(h.get('x-a'), h.has('CONTENT-TYPE'), [...h.keys()].join());
          try { h.append('bad name', 'v'); } catch (e) { out.push(e.name); }
          try { h.append('x', 'a\\nb'); } catch (e) { out.push(e.name); }
          const req = new Request('http://example.com/a?b#frag', { method: 'post', body: new Uint8Array([104, 105]) });
          out.push(req.method, req.url, req.headers.get('content-type'), await req.text(), req.bodyUsed);
          try { await req.text(); } catch (e) { out.push(e.name); }
          try { new Request('/relative'); } catch (e) { out.push(e.name); }
          try { new Request('http://x/', { method: 'GET', body: 'no' }); } catch (e) { out.push(e.name); }
          const res = new Response(JSON.stringify({ a: 1 }), { status: 404, statusText: 'Nope', headers: { 'content-type': 'application/json' } });
          const copy = res.clone();
          out.push(res.status, res.ok, res.statusText, (await res.json()).a, await copy.text());
          try { new Response('x', { status: 99 }); } catch (e) { out.push(e.name); }
          try { new Response('x', { status: 204 }); } catch (e) { out.push(e.name); }
          const j = Response.json([1]);
          out.push(j.headers.get('content-type'), await j.text(), Response.error().type, Response.redirect('http://a/b', 301).headers.get('location'));
          const streamed = new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([65])); c.enqueue(new Uint8Array([66])); c.close(); } }));
          out.push(await streamed.text(), (await new Response('blob').blob()).size, new Uint8Array(await new Response('ab').arrayBuffer())[1]);
          console.log(out.join('|'));
        }""");
    Path m = write("m.txtpb", """
        components { name: "c" script: "c.js" }
        grants { component: "c" host: LOG }
        """);
    ExitStatus s = run(m);
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of("[c] 1, 2|true|content-type,x-a|TypeError|TypeError|POST|http://example.com/a?b|"
        + "|hi|true|TypeError|TypeError|TypeError|404|false|Nope|1|{\"a\":1}|RangeError|TypeError|"
        + "application/json|[1]|error|http://a/b|AB|4|98"), log);
  }

  @Test
  void shouldFailHttpsToAServerThatSpeaksNoTlsWithATypeError() throws Exception {
    Path m = manifest("""
        async function main(env) {
          try { await env.net.fetch('https://127.0.0.1:%d/json'); console.log('answered'); }
          catch (e) { console.log(e.name, e.message.startsWith('fetch https://127.0.0.1:%d/json: ')); }
        }""".formatted(port, port), granted());
    // The JDK's server reads the ClientHello as a request and never answers it: the timeout ends it.
    ExitStatus s = run(m, Duration.ofSeconds(2));
    assertTrue(s.success(), s + " " + log);
    assertEquals(List.of("[c] TypeError true"), log);
  }

  @Test
  void shouldRejectAtOnceWhenTheSignalAborts() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      int p = rawServer(ss, null);
      Path m = manifest("""
          async function main(env) {
            const t0 = Date.now();
            const ac = new AbortController();
            setTimeout(() => ac.abort(), 100);
            try { await env.net.fetch('http://127.0.0.1:%d/', { signal: ac.signal }); console.log('answered'); }
            catch (e) { console.log(e.name, Date.now() - t0 < 1500); }
            try { await env.net.fetch('http://127.0.0.1:%d/', { signal: AbortSignal.abort() }); } catch (e) { console.log(e.name); }
          }""".formatted(p, p), "\"127.0.0.1:" + p + "\"");
      ExitStatus s = run(m, Duration.ofSeconds(3));
      assertTrue(s.success(), s + " " + log);
    }
    assertEquals(List.of("[c] AbortError true", "[c] AbortError"), log);
  }

  /** What a scripted server does with each connection it accepts. */
  private interface Script {
    void serve(Socket s) throws Exception;
  }

  private int scriptedServer(ServerSocket ss, Script script) {
    pool.execute(() -> {
      while (!ss.isClosed()) {
        try {
          Socket s = ss.accept();
          held.add(s);
          pool.execute(() -> {
            try {
              script.serve(s);
            } catch (Exception e) {
              // The client went away.
            }
          });
        } catch (Exception e) {
          return;
        }
      }
    });
    return ss.getLocalPort();
  }

  private static void send(Socket s, String text) throws java.io.IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  @Test
  void shouldFailAHeadSentAByteAtATimeAtTheOverallDeadline() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      int p = scriptedServer(ss, s -> {
        send(s, "HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 100; i++) {
          Thread.sleep(200); // well within the 1 s per-read timeout, every time
          send(s, "X");
        }
      });
      Path m = manifest("""
          async function main(env) {
            const t0 = Date.now();
            try { await env.net.fetch('http://127.0.0.1:%d/'); console.log('answered'); }
            catch (e) { console.log(e.name + ': ' + e.message + ' ' + (Date.now() - t0 < 3000)); }
          }""".formatted(p), "\"127.0.0.1:" + p + "\"");
      ExitStatus s = run(m, Duration.ofSeconds(1));
      assertTrue(s.success(), s + " " + log);
    }
    assertEquals(List.of("[c] TypeError: fetch http://127.0.0.1:" + held.get(0).getLocalPort()
        + "/: no response within 1000 ms true"), log);
  }

  @Test
  void shouldRefuseEndlessInterimResponses() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      int p = rawServer(ss, "HTTP/1.1 100 Continue\r\n\r\n".repeat(40) + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      Path m = manifest("""
          async function main(env) {
            try { await env.net.fetch('http://127.0.0.1:%d/'); console.log('answered'); }
            catch (e) { console.log(e.name + ': ' + e.message); }
          }""".formatted(p), "\"127.0.0.1:" + p + "\"");
      ExitStatus s = run(m);
      assertTrue(s.success(), s + " " + log);
    }
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).endsWith("the server sent more than 16 interim (1xx) responses"), log.toString());
  }

  @Test
  void shouldCloseTheRequestsSocketWhenItsSignalAborts() throws Exception {
    java.util.concurrent.CompletableFuture<Long> closedAfter = new java.util.concurrent.CompletableFuture<>();
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      int p = scriptedServer(ss, s -> {
        long t0 = System.nanoTime();
        java.io.InputStream in = s.getInputStream();
        while (in.read() >= 0) {
          // the request, then nothing until the client closes
        }
        closedAfter.complete((System.nanoTime() - t0) / 1_000_000);
      });
      Path m = manifest("""
          async function main(env) {
            const ac = new AbortController();
            setTimeout(() => ac.abort(), 200);
            try { await env.net.fetch('http://127.0.0.1:%d/', { signal: ac.signal }); } catch (e) { console.log(e.name); }
            await new Promise((r) => setTimeout(r, 1500));
          }""".formatted(p), "\"127.0.0.1:" + p + "\"");
      ExitStatus s = run(m, Duration.ofSeconds(20));
      assertTrue(s.success(), s + " " + log);
      // The host closed the socket at the abort, not at the end of the component or the timeout.
      long ms = closedAfter.get(5, TimeUnit.SECONDS);
      assertTrue(ms < 1500, "closed after " + ms + " ms");
    }
    assertEquals(List.of("[c] AbortError"), log);
  }

  @Test
  void shouldKeepStreamingABodyThroughSilencesLongerThanTheTimeout() throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      int p = scriptedServer(ss, s -> {
        send(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
        Thread.sleep(1800);
        send(s, "6\r\nsecond\r\n0\r\n\r\n");
        s.close();
      });
      Path m = manifest("""
          async function main(env) {
            try { const r = await env.net.fetch('http://127.0.0.1:%d/'); console.log(await r.text()); }
            catch (e) { console.log(e.name + ': ' + e.message); }
          }""".formatted(p), "\"127.0.0.1:" + p + "\"");
      ExitStatus s = run(m, Duration.ofSeconds(1));
      assertTrue(s.success(), s + " " + log);
    }
    assertEquals(List.of("[c] firstsecond"), log);
  }

  @Test
  void shouldDropCredentialsOnARedirectToAnotherOriginAndFollowOnlyRedirectStatuses() throws Exception {
    HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 5);
    other.createContext("/auth", x -> reply(x, 200, x.getRequestHeaders().getFirst("Authorization") + " "
        + x.getRequestHeaders().getFirst("Cookie") + " " + x.getRequestHeaders().getFirst("Proxy-Authorization") + " "
        + x.getRequestHeaders().getFirst("X-Test")));
    other.start();
    try {
      int port2 = other.getAddress().getPort();
      Path m = manifest("""
          async function main(env) {
            const headers = { Authorization: 'Basic c2VjcmV0', Cookie: 'session=1', 'Proxy-Authorization': 'p', 'X-Test': 't' };
            const same = await env.net.fetch('http://127.0.0.1:%1$d/redirect?to=/auth', { headers });
            console.log('same ' + await same.text());
            const cross = await env.net.fetch('http://127.0.0.1:%1$d/redirect?to=http://127.0.0.1:%2$d/auth', { headers });
            console.log('cross ' + await cross.text() + ' ' + cross.redirected);
            const multiple = await env.net.fetch('http://127.0.0.1:%1$d/multiple');
            console.log('multiple ' + multiple.status + ' ' + await multiple.text());
          }""".formatted(port, port2), "\"127.0.0.1:" + port + "\", \"127.0.0.1:" + port2 + "\"");
      ExitStatus s = run(m);
      assertTrue(s.success(), s + " " + log);
    } finally {
      other.stop(0);
    }
    assertEquals(List.of("[c] same Basic c2VjcmV0 session=1 t", "[c] cross null null null t true", "[c] multiple 300 choose"),
        log);
  }

  @Test
  void shouldSayWhatFailedAndWhereWithoutTheJdksWords() throws Exception {
    int closed;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = probe.getLocalPort();
    }
    try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      int p = rawServer(ss, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
      Path m = manifest("""
          async function main(env) {
            for (const url of ['http://127.0.0.1:%1$d/', 'https://127.0.0.1:%2$d/']) {
              try { await env.net.fetch(url); console.log('answered'); } catch (e) { console.log(e.name + ': ' + e.message); }
            }
            try { await env.net.connect('127.0.0.1', %1$d); } catch (e) { console.log(e.code + ': ' + e.message); }
          }""".formatted(closed, p), "\"127.0.0.1:*\"");
      ExitStatus s = run(m);
      assertTrue(s.success(), s + " " + log);
      assertEquals(List.of(
          "[c] TypeError: fetch http://127.0.0.1:" + closed + "/: the connection to 127.0.0.1:" + closed + " was refused",
          "[c] TypeError: fetch https://127.0.0.1:" + p + "/: the TLS handshake with 127.0.0.1:" + p + " failed (a "
              + "certificate that is not trusted, has expired or names another host, or a server that does not speak TLS)",
          "[c] net.refused: connect to 127.0.0.1:" + closed + " failed: the connection was refused"), log);
    }
  }

  @Test
  void shouldBoundAComponentsPendingOperations() throws Exception {
    // The server accepts and never answers: the first 256 stay pending until the component aborts
    // them, after every request has reached the host (the fetches reach it in microtasks, all run
    // before the timer's turn). No timeout frees a slot early, however slow the machine.
    try (ServerSocket ss = new ServerSocket(0, 400, InetAddress.getByName("127.0.0.1"))) {
      int p = rawServer(ss, null);
      write("c.js", """
          async function main(env) {
            const ac = new AbortController(), stop = new Error('stop');
            const all = [];
            for (let i = 0; i < 300; i++) all.push(env.net.fetch('http://127.0.0.1:%d/' + i, { signal: ac.signal }).then(() => 'ok', (e) => e === stop ? 'pending' : e.code || e.name));
            await new Promise(r => setTimeout(r, 0));
            ac.abort(stop);
            const out = await Promise.all(all);
            const count = (x) => out.filter((v) => v === x).length;
            console.log(count('net.busy'), count('pending'));
          }""".formatted(p));
      // 300 requests in one turn can outlast the default CPU limit's wall backstop (10 s) on a
      // starved machine; that limit is not what this test is about.
      Path m = write("m.txtpb", """
          components { name: "c" script: "c.js" limits { cpu_ms_per_turn: 60000 } }
          grants { component: "c" host: LOG }
          grants { component: "c" host: NET allow: ["127.0.0.1:%d"] as: "net" }
          """.formatted(p));
      ExitStatus s = run(m);
      assertTrue(s.success(), s + " " + log);
    }
    // 256 wait for an answer (until aborted); the rest are refused at once.
    assertEquals(List.of("[c] 44 256"), log);
  }
}
