package b8g.host.net;

import b8g.capabilities.CapabilityException;
import b8g.http1.CutShortException;
import b8g.http1.FramingException;
import b8g.http1.ResponseBody;
import b8g.http1.ResponseHead;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The HTTP/1.1 client behind {@code fetch}: one request per connection ({@code Connection:
 * close}), to the address {@link NetPolicy#check} returned for the URL's host and port (never
 * resolved again), over TLS with SNI and host name verification for {@code https:}.
 *
 * <p>Every byte from the server is hostile: the head (status line and header lines, interim
 * responses skipped) is read strictly by {@link ResponseHead}, within its bounds and the timeout,
 * and anything that is not HTTP/1.x fails with {@code type} (a {@code TypeError} in JS) saying
 * what came instead and at which byte. Redirects (301, 302, 303, 307, 308) are followed up to
 * {@link #MAX_REDIRECTS}, each hop checked against the policy again; a hop to an address the
 * grant does not allow fails with {@code net.denied}. The body is framed by {@link ResponseBody}:
 * {@code Transfer-Encoding: chunked}, {@code Content-Length}, or the end of the connection; a
 * malformed body fails its reads with an {@link IOException} (the component's reader then sees
 * {@code channel.broken} and its body stream a {@code TypeError}).
 *
 * <p>Not thread-safe per request; each {@link #exchange} runs on one thread and blocks.
 */
final class Http1Client {
  static final int MAX_REDIRECTS = 20;
  /** The redirect statuses followed; any other (300, 304, ...) is the response. */
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  /** Request headers dropped on a redirect to another origin. */
  private static final Set<String> CREDENTIALS = Set.of("authorization", "cookie", "proxy-authorization");
  /** Closes the socket of an exchange whose deadline passed (a blocked connect, write or read then fails). */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "b8g-fetch-deadline");
    t.setDaemon(true);
    return t;
  });
  static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  /** Header values: visible characters, spaces and tabs (no CR, LF or NUL). */
  private static final Pattern VALUE = Pattern.compile("[\\t\\x20-\\x7e\\x80-\\xff]*");
  /** What the client sets itself; a component's values for these are dropped (as fetch's forbidden request headers). */
  private static final Set<String> CLIENT_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection",
      "keep-alive", "upgrade", "te", "trailer", "proxy-connection");

  /** A response whose head was read; {@code body} is framed and reads {@code socket}. */
  record Response(int status, String statusText, List<String> headers, String url, boolean redirected, InputStream body,
      Socket socket) {}

  private final NetPolicy policy;
  private final Duration timeout;
  /** Hears of each socket opened, so that a component's end can close one still in flight. */
  private final Consumer<Socket> opened;

  Http1Client(NetPolicy policy, Duration timeout, Consumer<Socket> opened) {
    this.policy = policy;
    this.timeout = timeout;
    this.opened = opened;
  }

  /**
   * Sends the request and reads the response's head, following redirects as {@code redirect}
   * says ("follow", "manual" or "error").
   *
   * @throws CapabilityException {@code type} for a malformed request or response, a timeout or
   *     a connection that failed; {@code net.denied} for a URL (or a redirect) outside the grant
   */
  Response exchange(String method, String url, List<String> headers, byte[] body, String redirect) {
    String m = method.toUpperCase(Locale.ROOT);
    if (!TOKEN.matcher(method).matches()) {
      throw typeError("\"" + printable(method) + "\" is not an HTTP method");
    }
    if (Set.of("CONNECT", "TRACE", "TRACK").contains(m)) {
      throw typeError(m + " is not allowed");
    }
    if (Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH").contains(m)) {
      method = m;
    }
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      if (!TOKEN.matcher(headers.get(i)).matches() || !VALUE.matcher(headers.get(i + 1)).matches()) {
        throw typeError("the header \"" + printable(headers.get(i)) + "\" has an invalid name or value");
      }
    }
    String current = url;
    boolean redirected = false;
    // One deadline for the whole exchange (every hop's connect, request and response head), not
    // only per read: a server sending its head a byte at a time fails all the same.
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int hop = 0; ; hop++) {
      URI uri = parse(current);
      Response r = once(method, uri, headers, body, current, redirected, deadline);
      String location = REDIRECTS.contains(r.status()) ? header(r.headers(), "location") : null;
      if (location == null || redirect.equals("manual")) {
        return r;
      }
      closeQuietly(r.socket());
      if (redirect.equals("error")) {
        throw typeError(current + " redirected (" + r.status() + ") and the request's redirect mode is \"error\"");
      }
      if (hop + 1 > MAX_REDIRECTS) {
        throw typeError(url + ": more than " + MAX_REDIRECTS + " redirects");
      }
      URI next;
      try {
        next = uri.resolve(new URI(location.trim()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw typeError(current + " redirected to \"" + printable(location) + "\", which is not a URL");
      }
      String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw typeError(current + " redirected to \"" + printable(location) + "\", which is not http: or https:");
      }
      if (scheme.equals("http") && uri.getScheme().equalsIgnoreCase("https")) {
        throw typeError(current + " redirected to " + printable(next.toString()) + ", from https: to http:, which is refused");
      }
      if (!origin(uri).equals(origin(next))) {
        headers = withoutCredentials(headers); // another origin never sees this one's credentials
      }
      if (r.status() == 303 && !method.equals("HEAD") || (r.status() == 301 || r.status() == 302) && method.equals("POST")) {
        method = "GET";
        body = new byte[0];
        headers = withoutContentHeaders(headers);
      }
      current = next.toString();
      redirected = true;
    }
  }

  private Response once(String method, URI uri, List<String> headers, byte[] body, String url, boolean redirected,
      long deadline) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    InetAddress address;
    try {
      address = policy.check(host, port);
    } catch (CapabilityException e) {
      throw new CapabilityException(e.code(), (redirected ? "fetch: a redirect to " : "fetch ") + url + ": "
          + e.getMessage());
    }
    Socket socket = new Socket();
    opened.accept(socket);
    AtomicBoolean expired = new AtomicBoolean();
    Socket plain = socket;
    long left = deadline - System.nanoTime();
    ScheduledFuture<?> dog = WATCHDOG.schedule(() -> {
      expired.set(true);
      closeQuietly(plain);
    }, Math.max(0, left), TimeUnit.NANOSECONDS);
    try {
      int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
      socket.connect(new InetSocketAddress(address, port), ms);
      socket.setSoTimeout(ms);
      if (scheme.equals("https")) {
        socket = tls(socket, host, port);
      }
      OutputStream out = socket.getOutputStream();
      out.write(requestHead(method, uri, headers, body.length).getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      BufferedInputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      ResponseHead head = ResponseHead.read(in);
      InputStream bodyIn = ResponseBody.open(in, head, method.equals("HEAD"));
      dog.cancel(false);
      if (expired.get()) {
        throw new SocketTimeoutException();
      }
      return new Response(head.status(), head.reason(), head.fields(), url, redirected, bodyIn, socket);
    } catch (SocketTimeoutException e) {
      dog.cancel(false);
      closeQuietly(socket);
      throw typeError(url + ": no response within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      dog.cancel(false);
      if (expired.get()) {
        closeQuietly(socket);
        throw typeError(url + ": no response within " + timeout.toMillis() + " ms");
      }
      if (socket.isClosed() && !socket.isConnected()) {
        throw typeError(url + ": the request was cancelled");
      }
      closeQuietly(socket);
      // The framing's messages name what the server sent (escaped); the JDK's never reach a component.
      boolean framing = e instanceof FramingException || e instanceof CutShortException;
      throw typeError(url + ": " + (framing ? e.getMessage() : failure(e, host, port)));
    } catch (RuntimeException e) {
      dog.cancel(false);
      closeQuietly(socket);
      throw e;
    }
  }

  private static Socket tls(Socket plain, String uriHost, int port) throws IOException {
    // The name the certificate is checked against and SNI sends: an IPv6 literal without its
    // brackets, a fully qualified name without its trailing dot (SNI refuses one).
    String host = uriHost.startsWith("[") && uriHost.endsWith("]") ? uriHost.substring(1, uriHost.length() - 1) : uriHost;
    if (host.endsWith(".") && host.length() > 1) {
      host = host.substring(0, host.length() - 1);
    }
    SSLSocket s = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, host, port, true);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS");
    if (NetPolicy.literalAddress(host) == null) {
      p.setServerNames(List.of(new SNIHostName(host)));
    }
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  private static String requestHead(String method, URI uri, List<String> headers, int bodyLength) {
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      target += "?" + uri.getRawQuery();
    }
    StringBuilder b = new StringBuilder();
    b.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    b.append("Host: ").append(uri.getHost()).append(uri.getPort() >= 0 ? ":" + uri.getPort() : "").append("\r\n");
    boolean agent = false;
    boolean accept = false;
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      String name = headers.get(i).toLowerCase(Locale.ROOT);
      if (CLIENT_HEADERS.contains(name)) {
        continue;
      }
      agent |= name.equals("user-agent");
      accept |= name.equals("accept");
      b.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
    }
    if (!accept) {
      b.append("Accept: */*\r\n");
    }
    if (!agent) {
      b.append("User-Agent: b8g\r\n");
    }
    if (bodyLength > 0 || !(method.equals("GET") || method.equals("HEAD"))) {
      b.append("Content-Length: ").append(bodyLength).append("\r\n");
    }
    b.append("Connection: close\r\n\r\n");
    return b.toString();
  }

  static String header(List<String> headers, String name) {
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      if (headers.get(i).equals(name)) {
        return headers.get(i + 1);
      }
    }
    return null;
  }

  /** scheme://host:port, lower case, the port made explicit. */
  private static String origin(URI u) {
    String scheme = u.getScheme().toLowerCase(Locale.ROOT);
    int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
    return scheme + "://" + (u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT)) + ":" + port;
  }

  private static List<String> withoutCredentials(List<String> headers) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      String n = headers.get(i).toLowerCase(Locale.ROOT);
      if (!CREDENTIALS.contains(n)) {
        out.add(headers.get(i));
        out.add(headers.get(i + 1));
      }
    }
    return out;
  }

  private static List<String> withoutContentHeaders(List<String> headers) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      String n = headers.get(i).toLowerCase(Locale.ROOT);
      if (!n.startsWith("content-")) {
        out.add(headers.get(i));
        out.add(headers.get(i + 1));
      }
    }
    return out;
  }

  private static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw typeError("\"" + printable(url) + "\" is not a URL the client can request");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw typeError(printable(url) + ": only http: and https: URLs can be fetched");
    }
    if (uri.getHost() == null) {
      throw typeError(printable(url) + " has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw typeError(printable(url) + " carries credentials; send them in a header instead");
    }
    return uri;
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Nothing more to release.
    }
  }

  static CapabilityException typeError(String message) {
    return new CapabilityException("type", "fetch " + message);
  }

  /**
   * A fixed sentence for a failure of the JDK's sockets or TLS, saying what failed and where: their
   * own messages (and class names) are the JDK's internals and never reach a component.
   */
  static String failure(IOException e, String host, int port) {
    String where = host + ":" + port;
    if (e instanceof javax.net.ssl.SSLException) {
      return "the TLS handshake with " + where + " failed (a certificate that is not trusted, has expired or names "
          + "another host, or a server that does not speak TLS)";
    }
    if (e instanceof java.net.ConnectException) {
      return "the connection to " + where + " was refused";
    }
    if (e instanceof java.net.NoRouteToHostException) {
      return where + " is unreachable";
    }
    return "the connection to " + where + " failed (reset or closed)";
  }

  /** User or server text in a message: see {@link b8g.errors.Printable#of}. */
  static String printable(String s) {
    return b8g.errors.Printable.of(s, 80);
  }
}
