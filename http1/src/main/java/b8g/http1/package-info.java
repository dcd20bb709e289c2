/**
 * HTTP/1.1 response framing (RFC 9112), shared by the clients that face servers b8g does not
 * trust: {@link b8g.http1.ResponseHead} reads a status line and bounded header lines strictly,
 * {@link b8g.http1.ResponseBody} frames the body that follows (none, {@code Content-Length},
 * {@code chunked} with bounded trailers, or up to the end of the connection). Every fault is a
 * {@link b8g.http1.FramingException} or a {@link b8g.http1.CutShortException} naming what and the
 * byte of the response where it is. Requests, sockets, TLS, proxies, redirects, timeouts and
 * authentication are each client's own.
 */
package b8g.http1;
