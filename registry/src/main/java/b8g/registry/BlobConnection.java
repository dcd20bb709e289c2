package b8g.registry;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One blob {@code GET} or {@code PUT} over a socket of its own (HTTP/1.1, {@code Connection:
 * close}; TLS through the JDK's default {@link SSLSocketFactory} with host name verification for
 * {@code https}), so that {@link #close} from any thread ends it at once: while it connects, writes
 * the request's body, waits for the answer or reads the answer's body. The JDK's {@code
 * HttpURLConnection} cannot promise that: it ignores interrupts, and its {@code disconnect} waits
 * for a body read in progress (a stalled one: until the read timeout). Reads the status line and
 * headers (at most {@value #HEAD_LIMIT} bytes, 1xx answers skipped), then the body as {@code
 * Content-Length}, {@code chunked} or up to the end of the connection says, parsed strictly as RFC
 * 9112 says (see {@link #readAnswer}; a fault is a {@link ProtocolException} naming it and where it
 * is). Header values it writes carry no control characters. Through the proxy the JDK's default
 * {@link ProxySelector} names (HTTP: absolute request target, or a {@code CONNECT} tunnel for
 * https; SOCKS), as the other requests go. Not thread-safe, except {@link #close}.
 */
final class BlobConnection implements Closeable {
  static final int HEAD_LIMIT = 64 * 1024;
  private static final int READ_BUFFER = 64 * 1024;
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] [0-9]{3}( .*)?");
  private static final Pattern FIELD_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern CONTENT_LENGTH = Pattern.compile("[0-9]{1,18}");
  private static final Pattern CHUNK_SIZE = Pattern.compile("[0-9a-fA-F]{1,15}");

  private volatile Socket socket;
  private int status;
  private final Map<String, List<String>> headers = new HashMap<>();
  private InputStream in;
  private long length = -1;
  private InputStream body;
  private volatile boolean closed;

  /** A connection not made yet: register it (so that it can be closed while it connects), then {@link #get}. */
  BlobConnection() {
  }

  /** Writes a request's body of the length declared to {@link #put}. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Connects and sends {@code GET uri}; returns once the answer's status and headers are read. */
  void get(URI uri, String authorization, int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
    send("GET", uri, authorization, null, -1, null, connectTimeoutMillis, readTimeoutMillis);
    readAnswer();
  }

  /**
   * Connects and sends {@code PUT uri} with a body of {@code length} bytes ({@code Content-Length})
   * written by {@code body}; returns once it is sent. Then {@link #readAnswer}. A registry that
   * refuses the request before reading its body may close the connection: the write fails then.
   */
  void put(URI uri, String authorization, String contentType, long length, Body body, int connectTimeoutMillis,
      int readTimeoutMillis) throws IOException {
    send("PUT", uri, authorization, contentType, length, body, connectTimeoutMillis, readTimeoutMillis);
  }

  private void send(String method, URI uri, String authorization, String contentType, long length, Body content,
      int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
    boolean tls = "https".equals(uri.getScheme());
    String host = uri.getHost();
    if (host == null) {
      throw new ProtocolException("no host in " + uri);
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    Proxy proxy = proxyFor(uri);
    Socket socket = new Socket(proxy.type() == Proxy.Type.SOCKS ? proxy : Proxy.NO_PROXY);
    this.socket = socket;
    if (closed) { // closed before the socket was there: close sees the socket, or this sees closed
      socket.close();
      throw new SocketException("closed before connecting");
    }
    boolean viaHttpProxy = proxy.type() == Proxy.Type.HTTP;
    if (viaHttpProxy) {
      // The default selector names its proxy unresolved (createUnresolved), which a plain socket cannot connect to.
      InetSocketAddress a = (InetSocketAddress) proxy.address();
      try {
        socket.connect(a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a, connectTimeoutMillis);
      } catch (IOException e) {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector != null) {
          selector.connectFailed(uri, a, e);
        }
        throw new IOException("cannot connect to the HTTP proxy " + a.getHostString() + ":" + a.getPort()
            + " (named by the default ProxySelector for " + host + "): " + e, e);
      }
    } else if (proxy.type() == Proxy.Type.SOCKS) {
      socket.connect(InetSocketAddress.createUnresolved(bare, port), connectTimeoutMillis);
    } else {
      socket.connect(new InetSocketAddress(bare, port), connectTimeoutMillis);
    }
    socket.setSoTimeout(readTimeoutMillis);
    socket.setTcpNoDelay(true); // the request's head and the body's last bytes go out at once
    if (viaHttpProxy && tls) {
      tunnel(socket, host, port);
    }
    Socket s = socket;
    if (tls) {
      SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(socket, bare, port, true);
      SSLParameters p = ssl.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(p);
      ssl.startHandshake();
      s = ssl;
    }
    String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
    if (viaHttpProxy && !tls) {
      target = "http://" + host + ":" + port + target; // a proxy takes the absolute form
    }
    StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append(uri.getPort() >= 0 ? ":" + uri.getPort() : "").append("\r\n")
        .append("User-Agent: b8g\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n");
    if (authorization != null) {
      for (int i = 0; i < authorization.length(); i++) {
        char c = authorization.charAt(i);
        if (c < 0x20 && c != '\t' || c >= 0x7f) {
          throw new ProtocolException("the Authorization header value for " + host + " has character 0x" + Integer.toHexString(c)
              + " at index " + i + "; refused (a control character would inject header lines)");
        }
      }
      request.append("Authorization: ").append(authorization).append("\r\n");
    }
    if (content != null) {
      request.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(length).append("\r\n");
    }
    OutputStream out = s.getOutputStream();
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    if (content != null) {
      content.writeTo(out);
    }
    out.flush();
    in = new BufferedInputStream(s.getInputStream(), READ_BUFFER);
  }

  /**
   * Reads the answer's status line and headers (1xx answers skipped) after {@link #put}. Refuses a
   * status line other than {@code HTTP/1.[01] ddd}, a header name with a space or other non-token
   * character (also a folded line), and a body length declared as {@link #declaredLength} refuses.
   */
  void readAnswer() throws IOException {
    int[] budget = {HEAD_LIMIT};
    do {
      headers.clear();
      String line = line(in, budget, "the answer's status line");
      if (!STATUS_LINE.matcher(line).matches()) {
        throw new ProtocolException("the answer's status line is not HTTP/1.0 or HTTP/1.1 and a three-digit status: "
            + Strings.clip(line));
      }
      status = Integer.parseInt(line.substring(9, 12));
      for (String h; !(h = line(in, budget, "the answer's headers")).isEmpty(); ) {
        int colon = h.indexOf(':');
        if (colon <= 0 || !FIELD_NAME.matcher(h.substring(0, colon)).matches()) {
          // also a space before the colon, and an obsolete folded line (it starts with a space)
          throw new ProtocolException("bad header line in the answer to a status " + status + ": " + Strings.clip(h));
        }
        headers.computeIfAbsent(h.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(h.substring(colon + 1).trim());
      }
    } while (status >= 100 && status < 200);
    length = declaredLength();
    if (status == 204 || status == 304) {
      body = InputStream.nullInputStream();
    } else if (headers.containsKey("transfer-encoding")) {
      body = new Chunked(in);
    } else if (length >= 0) {
      body = new Bounded(in, length);
    } else {
      body = in; // the body ends with the connection
    }
  }

  /**
   * The length the headers declare: -1 when none or when the body is {@code chunked} (the only
   * transfer coding taken, and only as the final one). Refuses, as RFC 9112 says: a {@code
   * Content-Length} that is not 1-18 decimal digits, conflicting ones, and one with a {@code
   * Transfer-Encoding}.
   */
  private long declaredLength() throws ProtocolException {
    List<String> te = headers.get("transfer-encoding");
    List<String> cl = headers.get("content-length");
    if (te != null) {
      String all = String.join(",", te);
      String[] codings = all.split(",");
      String last = codings.length == 0 ? "" : codings[codings.length - 1].trim();
      if (!last.equalsIgnoreCase("chunked")) {
        throw new ProtocolException("the answer's Transfer-Encoding " + Strings.clip(all)
            + " does not end with chunked (no other coding is taken)");
      }
      if (cl != null) {
        throw new ProtocolException("the answer has both Transfer-Encoding " + Strings.clip(all) + " and Content-Length "
            + Strings.clip(String.join(", ", cl)) + "; refused (RFC 9112, 6.3)");
      }
      return -1;
    }
    if (cl == null) {
      return -1;
    }
    String first = null;
    for (String header : cl) {
      for (String v : header.split(",", -1)) {
        String value = v.trim();
        if (!CONTENT_LENGTH.matcher(value).matches()) {
          throw new ProtocolException("the answer's Content-Length " + Strings.clip(header) + " is not 1 to 18 decimal digits");
        }
        if (first != null && !first.equals(value)) {
          throw new ProtocolException("the answer has conflicting Content-Length values " + Strings.clip(String.join(", ", cl)));
        }
        first = value;
      }
    }
    return Long.parseLong(first);
  }

  /**
   * The proxy the JDK's default {@link ProxySelector} names for {@code uri} (system properties
   * {@code http(s).proxyHost}, {@code socksProxyHost}, ... as for the {@code HttpClient} carrying the
   * other requests), else none. Proxy authentication is not offered.
   */
  private static Proxy proxyFor(URI uri) {
    ProxySelector selector = ProxySelector.getDefault();
    if (selector == null) {
      return Proxy.NO_PROXY;
    }
    List<Proxy> proxies = selector.select(uri);
    return proxies == null || proxies.isEmpty() || proxies.get(0).address() == null ? Proxy.NO_PROXY : proxies.get(0);
  }

  /** {@code CONNECT host:port} through an HTTP proxy; returns once the tunnel stands (status 2xx). */
  private static void tunnel(Socket socket, String host, int port) throws IOException {
    String authority = host + ":" + port;
    OutputStream out = socket.getOutputStream();
    out.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    InputStream in = socket.getInputStream(); // unbuffered: nothing of the tunnel may be read ahead
    int[] budget = {HEAD_LIMIT};
    String status = line(in, budget, "the proxy's answer to CONNECT");
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[1].startsWith("2")) {
      throw new ProtocolException("the proxy refused CONNECT " + authority + ": " + Strings.clip(status));
    }
    while (!line(in, budget, "the proxy's answer to CONNECT").isEmpty()) {
      // the proxy's headers
    }
  }

  int status() {
    return status;
  }

  /** The first value of header {@code name} (lower case), or null. */
  String header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The declared {@code Content-Length}, -1 when none (or chunked); a malformed one failed {@link #readAnswer}. */
  long contentLength() {
    return length;
  }

  /** The body: ends at its end (-1), or fails when the connection ends before it. */
  InputStream body() {
    return body;
  }

  /** Ends the connection at once; safe from any thread, more than once. */
  @Override
  public void close() {
    closed = true;
    Socket s = socket;
    if (s == null) {
      return; // get sees closed
    }
    try {
      s.close(); // closes the TLS layer over it too; a blocked connect, read or write fails
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** One line (CRLF or LF) of at most the budget's bytes; {@code where} names it in errors. */
  private static String line(InputStream in, int[] budget, String where) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    for (int c; (c = in.read()) >= 0; ) {
      if (--budget[0] < 0) {
        throw new ProtocolException(where + " went over " + HEAD_LIMIT + " bytes");
      }
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    throw new EOFException("the connection ended in " + where);
  }

  /** A body of a known length: -1 after it, an error when the connection ends before. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private long left;

    Bounded(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException(left + " bytes of the body did not come");
      }
      left -= n;
      return n;
    }
  }

  /** A {@code chunked} body: the chunks' bytes, then -1 after the last (trailers skipped). */
  private static final class Chunked extends InputStream {
    private final InputStream in;
    private long left; // in the current chunk
    private long delivered; // body bytes returned so far
    private boolean done;
    private final int[] budget = {HEAD_LIMIT};

    Chunked(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (left == 0) {
        String line = line(in, budget, "a chunk size line (after body byte " + delivered + ")");
        int semi = line.indexOf(';');
        String size = (semi >= 0 ? line.substring(0, semi) : line).trim();
        if (!CHUNK_SIZE.matcher(size).matches()) {
          throw new ProtocolException("bad chunk size line " + Strings.clip(line) + " after body byte " + delivered
              + " (1 to 15 hex digits wanted)");
        }
        left = Long.parseLong(size, 16);
        budget[0] = HEAD_LIMIT;
        if (left == 0) {
          while (!line(in, budget, "the trailers (after body byte " + delivered + ")").isEmpty()) {
            // trailers
          }
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException("the connection ended inside a chunk, after body byte " + delivered);
      }
      left -= n;
      delivered += n;
      if (left == 0 && !line(in, budget, "the CRLF after a chunk (body byte " + delivered + ")").isEmpty()) {
        throw new ProtocolException("a chunk does not end with CRLF (body byte " + delivered + ")");
      }
      return n;
    }
  }
}
