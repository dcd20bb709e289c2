package b8g.registry;

import b8g.errors.Printable;
import b8g.http1.CutShortException;
import b8g.http1.FramingException;
import b8g.http1.ResponseBody;
import b8g.http1.ResponseHead;
import java.io.BufferedInputStream;
import java.io.Closeable;
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
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One blob {@code GET} or {@code PUT} over a socket of its own (HTTP/1.1, {@code Connection:
 * close}; TLS through the JDK's default {@link SSLSocketFactory} with host name verification for
 * {@code https}), so that {@link #close} from any thread ends it at once: while it connects, writes
 * the request's body, waits for the answer or reads the answer's body. The JDK's {@code
 * HttpURLConnection} cannot promise that: it ignores interrupts, and its {@code disconnect} waits
 * for a body read in progress (a stalled one: until the read timeout). The answer is framed by
 * {@code b8g.http1} (status line and bounded headers, 1xx answers skipped, then the body as {@code
 * Content-Length}, {@code chunked} or up to the end of the connection says), strictly as RFC 9112
 * says (see {@link #readAnswer}; a fault is a {@link ProtocolException} naming it and where it
 * is). Header values it writes carry no control characters. Through the proxy the JDK's default
 * {@link ProxySelector} names (HTTP: absolute request target, or a {@code CONNECT} tunnel for
 * https; SOCKS), as the other requests go. Not thread-safe, except {@link #close}.
 */
final class BlobConnection implements Closeable {
  private static final int READ_BUFFER = 64 * 1024;

  private volatile Socket socket;
  private ResponseHead head;
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
   * Reads the answer's head (1xx answers skipped) after {@link #put}, and frames its body, as
   * {@link ResponseHead} and {@link ResponseBody} say: a fault in either is a {@link
   * FramingException} (a {@link ProtocolException}), a connection that ends inside the head a
   * {@link CutShortException}, each naming what and the byte of the answer where it is.
   */
  void readAnswer() throws IOException {
    head = ResponseHead.read(in);
    length = ResponseBody.contentLength(head);
    body = ResponseBody.open(in, head, false);
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
    // Unbuffered: nothing of the tunnel may be read ahead (ResponseHead reads nothing past the head).
    ResponseHead answer = ResponseHead.read(socket.getInputStream());
    if (answer.status() / 100 != 2) {
      throw new ProtocolException("the proxy refused CONNECT " + authority + ": " + answer.status() + " "
          + Printable.quoted(answer.reason()));
    }
  }

  int status() {
    return head.status();
  }

  /** The first value of header {@code name} (lower case), or null. */
  String header(String name) {
    return head.first(name);
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
}
