package b8g.host.net;

import b8g.capabilities.CapabilityException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * What one NET grant allows: its patterns ({@link NetPattern}) and the rule that turns a request
 * (a host as the component wrote it, a port) into the one address the host connects to.
 *
 * <p><b>Resolve once, check every address, connect to the checked address.</b> A name is
 * resolved exactly once, here; every address it resolves to must be allowed, or the request is
 * refused naming the address; the caller connects to the returned {@link InetAddress} itself and
 * never resolves again. So a name whose DNS answer changes between a check and a connect (DNS
 * rebinding) cannot reach an address the check did not see. A name's addresses are allowed when:
 * <ul>
 *   <li>an address pattern covers each of them on that port, whatever the name; or
 *   <li>a name pattern names the requested name on that port and each address is a public
 *       (global unicast) address or covered by an address pattern. A name pattern never reaches
 *       loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local, CGNAT (100.64/10),
 *       unspecified or multicast addresses by itself: pointing {@code api.example.com} at
 *       127.0.0.1 does not open the host's own services. The one exception is the name
 *       {@code localhost}, which may reach loopback addresses (it means nothing else).
 * </ul>
 * An IP literal is an address: it needs an address pattern (a name pattern for {@code localhost}
 * does not allow {@code 127.0.0.1}). This is stricter than Deno's {@code --allow-net}, which
 * checks the name as written and lets the system resolver connect wherever it then points.
 *
 * <p>Immutable and thread-safe. Resolution blocks: call it off a component's thread.
 */
public final class NetPolicy {
  /** How names become addresses; the system resolver in the host, a fixed table in tests. */
  public interface Resolver {
    InetAddress[] resolve(String name) throws UnknownHostException;
  }

  /** The system resolver ({@link InetAddress#getAllByName}). */
  public static final Resolver SYSTEM = InetAddress::getAllByName;

  private final List<NetPattern> patterns;
  private final Resolver resolver;

  public NetPolicy(List<NetPattern> patterns, Resolver resolver) {
    this.patterns = List.copyOf(patterns);
    this.resolver = resolver;
  }

  /** The patterns, as written. */
  public List<NetPattern> patterns() {
    return patterns;
  }

  /**
   * The address to connect to (or bind) for {@code host}:{@code port}, resolved once and checked.
   *
   * @throws CapabilityException {@code net.denied} naming the address or name that is not
   *     allowed, {@code net.unresolved} when the name has no address, {@code type} for a host
   *     that is neither a name nor an IP literal
   */
  public InetAddress check(String host, int port) {
    if (port < 0 || port > 65535) {
      throw new CapabilityException("range", "port " + port + " is out of range (0 to 65535)");
    }
    String where = host + ":" + port;
    InetAddress literal = literalAddress(host);
    if (literal != null) {
      if (!coveredByAddress(literal, port)) {
        throw denied(where, "no pattern of the grant covers the address " + literal.getHostAddress() + " on port " + port);
      }
      return literal;
    }
    String name = NetPattern.canonicalName(host);
    if (name == null) {
      throw new CapabilityException("type", "\"" + printable(host) + "\" is neither a host name nor an IP address");
    }
    boolean named = false;
    for (NetPattern p : patterns) {
      named |= p.matchesName(name, port);
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(name);
    } catch (UnknownHostException e) {
      throw new CapabilityException("net.unresolved", where + ": the name \"" + name + "\" does not resolve");
    }
    if (addresses == null || addresses.length == 0) {
      throw new CapabilityException("net.unresolved", where + ": the name \"" + name + "\" does not resolve");
    }
    for (InetAddress a : addresses) {
      boolean ok = coveredByAddress(a, port)
          || (named && (isPublic(a) || (name.equals("localhost") && a.isLoopbackAddress())));
      if (!ok) {
        throw denied(where, named
            ? "\"" + name + "\" resolves to " + a.getHostAddress() + ", which a name pattern does not reach by itself "
                + "(a loopback, private or other non-public address); add an address pattern for it to allow it"
            : "\"" + name + "\" resolves to " + a.getHostAddress() + ", which no pattern of the grant covers on port "
                + port);
      }
    }
    // Rebuilt from the bytes: the returned address carries no name that could be looked up again.
    try {
      return InetAddress.getByAddress(addresses[0].getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The address to listen on for {@code host}:{@code port}: an IP literal, or a name resolved
   * once whose every address {@link #allowsListen} (the first is bound).
   *
   * @throws CapabilityException {@code net.denied}, {@code net.unresolved} or {@code type}
   */
  public InetAddress listenAddress(String host, int port) {
    InetAddress literal = literalAddress(host);
    InetAddress[] addresses;
    if (literal != null) {
      addresses = new InetAddress[] {literal};
    } else {
      String name = NetPattern.canonicalName(host);
      if (name == null) {
        throw new CapabilityException("type", "\"" + printable(host) + "\" is neither a host name nor an IP address");
      }
      try {
        addresses = resolver.resolve(name);
      } catch (UnknownHostException e) {
        addresses = new InetAddress[0];
      }
      if (addresses == null || addresses.length == 0) {
        throw new CapabilityException("net.unresolved", host + ":" + port + ": the name \"" + name + "\" does not resolve");
      }
    }
    for (InetAddress a : addresses) {
      if (!allowsListen(a, port)) {
        throw new CapabilityException("net.denied", "listening on " + host + ":" + port + " is not allowed: no address "
            + "pattern of the grant covers " + a.getHostAddress() + (port == 0 ? " on every port (port 0 picks any free "
            + "port, so it needs ports *)" : " on port " + port));
      }
    }
    try {
      return InetAddress.getByAddress(addresses[0].getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether a listener may bind {@code address}:{@code port}: an address pattern must cover the
   * address, on {@code port}, or on every port ({@code *}) when {@code port} is 0 (any free port).
   */
  public boolean allowsListen(InetAddress address, int port) {
    for (NetPattern p : patterns) {
      if (!p.isName() && (port == 0 ? p.anyPort() && p.matchesAddress(address, 1) : p.matchesAddress(address, port))) {
        return true;
      }
    }
    return false;
  }

  /** Whether an address pattern covers {@code a} on {@code port} (port 0 is never allowed for a connect). */
  boolean coveredByAddress(InetAddress a, int port) {
    for (NetPattern p : patterns) {
      if (p.matchesAddress(a, port)) {
        return true;
      }
    }
    return false;
  }

  /** The address an IP literal names (an IPv6 one with or without brackets), or null for anything else. */
  static InetAddress literalAddress(String host) {
    boolean bracketed = host.startsWith("[") && host.endsWith("]");
    String s = bracketed ? host.substring(1, host.length() - 1) : host;
    byte[] b = s.matches("[0-9.]+") ? NetPattern.literal(s, false) : s.contains(":") ? NetPattern.literal(s, true) : null;
    if (b == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** A global unicast address: not loopback, private, link-local, CGNAT, unspecified, multicast or documentation. */
  static boolean isPublic(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int x = b[0] & 0xff;
      int y = b[1] & 0xff;
      return x != 0 && !(x == 100 && (y & 0xc0) == 64) && x < 224 && !(x == 192 && y == 0 && (b[2] & 0xff) == 0)
          && !(x == 198 && (y & 0xfe) == 18);
    }
    if (a instanceof Inet6Address) {
      int first = b[0] & 0xff;
      return (first & 0xfe) != 0xfc && (first & 0xe0) == 0x20; // not fc00::/7; within 2000::/3
    }
    return false;
  }

  private static CapabilityException denied(String where, String why) {
    return new CapabilityException("net.denied", "connection to " + where + " is not allowed: " + why);
  }

  /** User or server text in a message: see {@link b8g.errors.Printable#of}. */
  private static String printable(String s) {
    return b8g.errors.Printable.of(s, 80);
  }
}
