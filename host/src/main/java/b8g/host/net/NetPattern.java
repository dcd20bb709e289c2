package b8g.host.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code allow} entry of a NET grant: which hosts and ports a component may reach.
 *
 * <pre>
 * pattern = host ":" ports
 * host    = name                       ; a DNS name: letters, digits, '-', '.' (no wildcard)
 *         | ipv4 [ "/" prefix ]        ; 127.0.0.1, or a CIDR block 10.0.0.0/8
 *         | "[" ipv6 "]" [ "/" prefix ]; [::1], [fd00::]/8
 * ports   = "*" | port | port "-" port ; 1..65535 (a range is inclusive, low first)
 * </pre>
 *
 * <p>There are no wildcard hosts ({@code *.example.com}, {@code *}): a wildcard over names would
 * let whoever controls a subdomain's DNS point it anywhere. An address block is explicit about
 * what it covers ({@code 0.0.0.0/0} is every IPv4 address, and says so).
 *
 * <p>A <b>name</b> pattern matches a request by that name only (case-insensitive, a trailing dot
 * ignored); an <b>address</b> pattern matches the addresses a request resolves to. What a
 * resolved name may reach is {@link NetPolicy}'s rule. Immutable.
 */
public final class NetPattern {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private final String text;
  /** Lower-case name without a trailing dot, or null for an address pattern. */
  private final String name;
  /** The block's network address bytes (4 or 16), or null for a name pattern. */
  private final byte[] network;
  private final int prefix;
  private final int lowPort;
  private final int highPort;

  private NetPattern(String text, String name, byte[] network, int prefix, int lowPort, int highPort) {
    this.text = text;
    this.name = name;
    this.network = network;
    this.prefix = prefix;
    this.lowPort = lowPort;
    this.highPort = highPort;
  }

  /**
   * Parses one pattern.
   *
   * @throws IllegalArgumentException saying what is wrong with it and what is expected
   */
  public static NetPattern parse(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("an empty pattern; write host:port, e.g. \"127.0.0.1:8080\"");
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0 || (text.startsWith("[") && colon < text.indexOf(']'))) {
      throw new IllegalArgumentException("\"" + text + "\" has no port; write host:port, host:* or host:low-high");
    }
    String host = text.substring(0, colon);
    String ports = text.substring(colon + 1);
    int low;
    int high;
    if (ports.equals("*")) {
      low = 1;
      high = 65535;
    } else {
      int dash = ports.indexOf('-');
      low = port(dash < 0 ? ports : ports.substring(0, dash), text);
      high = dash < 0 ? low : port(ports.substring(dash + 1), text);
      if (high < low) {
        throw new IllegalArgumentException("\"" + text + "\": the port range " + ports + " runs backwards; write low-high");
      }
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("\"" + text + "\" has no host; write host:port");
    }
    if (host.contains("*")) {
      throw new IllegalArgumentException("\"" + text + "\": wildcard hosts are not allowed (whoever controls a name's DNS "
          + "could point it anywhere); name each host, or give an address block such as 10.0.0.0/8");
    }
    int slash = host.indexOf('/');
    String addr = slash < 0 ? host : host.substring(0, slash);
    boolean bracketed = addr.startsWith("[") && addr.endsWith("]");
    if (bracketed || addr.matches("[0-9.]+")) {
      byte[] bytes = literal(bracketed ? addr.substring(1, addr.length() - 1) : addr, bracketed);
      if (bytes == null) {
        throw new IllegalArgumentException("\"" + text + "\": " + addr + " is not an IP" + (bracketed ? "v6" : "v4")
            + " address");
      }
      int bits = bytes.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(host.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits || !host.substring(slash + 1).matches("[0-9]{1,3}")) {
          throw new IllegalArgumentException("\"" + text + "\": the prefix length must be 0 to " + bits);
        }
      }
      return new NetPattern(text, null, mask(bytes, prefix), prefix, low, high);
    }
    if (slash >= 0) {
      throw new IllegalArgumentException("\"" + text + "\": a prefix length (/n) follows an address, not a name");
    }
    if (addr.indexOf(':') >= 0) {
      throw new IllegalArgumentException("\"" + text + "\": write an IPv6 address in brackets, e.g. \"[::1]:8080\"");
    }
    String n = canonicalName(addr);
    if (n == null) {
      throw new IllegalArgumentException("\"" + text + "\": \"" + addr + "\" is not a host name (letters, digits and '-' "
          + "in dot-separated labels) nor an IP address");
    }
    return new NetPattern(text, n, null, 0, low, high);
  }

  /** A host name as patterns compare it (lower case, no trailing dot), or null if it is not one. */
  static String canonicalName(String host) {
    String n = host.toLowerCase(Locale.ROOT);
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    if (n.isEmpty() || n.length() > 253) {
      return null;
    }
    String[] labels = n.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return null;
      }
    }
    // A name ending in a number is an IPv4 address to the URL standard and to resolvers (which
    // may read 010.0.0.1 as octal): never a name here.
    if (labels[labels.length - 1].matches("[0-9]+|0[xX][0-9A-Fa-f]*")) {
      return null;
    }
    return n;
  }

  /**
   * The bytes of an IP literal, parsed without any name lookup, or null: IPv4 as four decimal
   * parts, IPv6 (brackets removed) as {@link InetAddress} reads it.
   */
  static byte[] literal(String s, boolean v6) {
    if (!v6) {
      String[] parts = s.split("\\.", -1);
      if (parts.length != 4) {
        return null;
      }
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        // No leading zeros: 010 is 8 to some parsers and 10 to others.
        if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
          return null;
        }
        b[i] = (byte) Integer.parseInt(parts[i]);
      }
      return b;
    }
    // Never a zone id or anything InetAddress would look up: it parses a string as a literal only
    // when it begins with a hex digit or ':' (a leading '.' would send it to the resolver).
    if (!s.matches("[0-9A-Fa-f:][0-9A-Fa-f:.]*") || !s.contains(":")) {
      return null;
    }
    try {
      InetAddress a = InetAddress.getByName(s); // a literal: no lookup happens
      return a instanceof Inet6Address ? a.getAddress() : v4Mapped(a.getAddress());
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte[] v4Mapped(byte[] v4) {
    byte[] b = new byte[16];
    b[10] = (byte) 0xff;
    b[11] = (byte) 0xff;
    System.arraycopy(v4, 0, b, 12, 4);
    return b;
  }

  private static int port(String s, String text) {
    if (!s.matches("[0-9]{1,5}") || Integer.parseInt(s) < 1 || Integer.parseInt(s) > 65535) {
      throw new IllegalArgumentException("\"" + text + "\": \"" + s + "\" is not a port; a port is 1 to 65535, * (any) "
          + "or a range low-high");
    }
    return Integer.parseInt(s);
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }

  /** Whether this is a name pattern (else an address pattern). */
  public boolean isName() {
    return name != null;
  }

  /** Whether {@code port} is in this pattern's ports. */
  public boolean allowsPort(int port) {
    return port >= lowPort && port <= highPort;
  }

  /** Whether every port is allowed ({@code *}): what a listen on port 0 (any free port) needs. */
  boolean anyPort() {
    return lowPort == 1 && highPort == 65535;
  }

  /** Whether this name pattern names {@code canonicalName} on {@code port}. */
  boolean matchesName(String canonicalName, int port) {
    return name != null && name.equals(canonicalName) && allowsPort(port);
  }

  /**
   * Whether this address pattern covers {@code address} on {@code port}. An IPv4-mapped IPv6
   * address is compared as the IPv4 address it is.
   */
  boolean matchesAddress(InetAddress address, int port) {
    if (network == null || !allowsPort(port)) {
      return false;
    }
    byte[] a = address.getAddress();
    byte[] net = network;
    int bits = prefix;
    if (a.length != net.length) {
      if (a.length == 4 && isV4Mapped(net) && prefix >= 96) {
        net = java.util.Arrays.copyOfRange(net, 12, 16);
        bits = prefix - 96;
      } else if (a.length == 16 && isV4Mapped(a) && net.length == 4) {
        a = java.util.Arrays.copyOfRange(a, 12, 16);
      } else {
        return false;
      }
    }
    for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
      int m = 0xff << (8 - Math.min(8, bits)) & 0xff;
      if ((a[i] & m) != (net[i] & m)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isV4Mapped(byte[] b) {
    if (b.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  /** IPv4 or IPv6, for messages. */
  static String family(InetAddress a) {
    return a instanceof Inet4Address ? "IPv4" : "IPv6";
  }

  /** The pattern as written in the manifest. */
  @Override
  public String toString() {
    return text;
  }
}
