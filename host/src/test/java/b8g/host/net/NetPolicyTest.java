package b8g.host.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.capabilities.CapabilityException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pattern grammar and the resolve-once rule. Names resolve through a fixed table here (the
 * answers a hostile DNS server could give), so each rebinding case is exact; NetConnectTest does
 * the same through the system resolver with real sockets.
 */
class NetPolicyTest {
  /** A resolver answering from a table, counting lookups. */
  private static final class Table implements NetPolicy.Resolver {
    final Map<String, String[]> answers;
    final AtomicInteger lookups = new AtomicInteger();

    Table(Map<String, String[]> answers) {
      this.answers = answers;
    }

    @Override
    public InetAddress[] resolve(String name) throws UnknownHostException {
      lookups.incrementAndGet();
      String[] a = answers.get(name);
      if (a == null) {
        throw new UnknownHostException(name);
      }
      InetAddress[] out = new InetAddress[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = InetAddress.getByAddress(NetPolicy.literalAddress(a[i]).getAddress());
      }
      return out;
    }
  }

  private static NetPolicy policy(Table t, String... patterns) {
    return new NetPolicy(Arrays.stream(patterns).map(NetPattern::parse).toList(), t);
  }

  private static String denied(NetPolicy p, String host, int port) {
    CapabilityException e = assertThrows(CapabilityException.class, () -> p.check(host, port));
    return e.code() + ": " + e.getMessage();
  }

  @Test
  void shouldParseTheGrammarAndRefuseWhatIsNotInIt() {
    for (String ok : List.of("127.0.0.1:8080", "localhost:*", "api.example.com:443", "10.0.0.0/8:80", "[::1]:1-65535",
        "[fd00::]/8:8000-8099", "0.0.0.0/0:443", "A.Example.COM.:1")) {
      assertEquals(ok, NetPattern.parse(ok).toString());
    }
    for (String[] bad : new String[][] {
        {"", "empty"}, {"127.0.0.1", "no port"}, {"*:80", "wildcard"}, {"*.example.com:443", "wildcard"},
        {"example.com:0", "not a port"}, {"example.com:65536", "not a port"}, {"example.com:9-8", "backwards"},
        {"256.0.0.1:80", "not an IPv4"}, {"10.0.0.0/33:80", "prefix length"}, {"example.com/8:80", "follows an address"},
        {"::1:80", "in brackets"}, {"[::1]", "no port"}, {"[nope]:80", "not an IPv6"}, {"exa_mple.com:80", "not a host name"},
        {":80", "no host"}, {"[fe80::1%eth0]:80", "not an IPv6"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetPattern.parse(bad[0]), bad[0]);
      assertTrue(e.getMessage().contains(bad[1]), bad[0] + ": " + e.getMessage());
    }
  }

  @Test
  void shouldNeverReadANumberWithLeadingZerosOrALeadingDotAsAnAddressOrAName() {
    Table t = new Table(Map.of());
    NetPolicy p = policy(t, "10.0.0.0/8:80");
    for (String host : List.of("010.0.0.1", "10.0.0.01", "0x0a.0.0.1", "10.1", ".::1", ".10.0.0.1")) {
      CapabilityException e = assertThrows(CapabilityException.class, () -> p.check(host, 80), host);
      assertEquals("type", e.code(), host + ": " + e.getMessage());
    }
    assertEquals(0, t.lookups.get(), "nothing was looked up");
    assertThrows(IllegalArgumentException.class, () -> NetPattern.parse("010.0.0.1:80"));
    assertEquals("10.0.0.1", p.check("10.0.0.1", 80).getHostAddress());
  }

  @Test
  void shouldMatchAddressBlocksAndPortRanges() throws Exception {
    NetPolicy p = policy(new Table(Map.of()), "10.0.0.0/8:80", "[fd00::]/8:8000-8099", "127.0.0.1:*");
    assertEquals("10.255.1.2", p.check("10.255.1.2", 80).getHostAddress());
    assertTrue(denied(p, "10.1.1.1", 81).startsWith("net.denied"));
    assertTrue(denied(p, "11.0.0.1", 80).startsWith("net.denied"));
    assertEquals(InetAddress.getByName("fd12::1"), p.check("[fd12::1]", 8099));
    assertTrue(denied(p, "fd12::1", 8100).startsWith("net.denied"));
    assertEquals(InetAddress.getByName("127.0.0.1"), p.check("::ffff:127.0.0.1", 5)); // IPv4-mapped is IPv4
    assertTrue(p.allowsListen(InetAddress.getByName("127.0.0.1"), 0));
    assertFalse(p.allowsListen(InetAddress.getByName("10.0.0.1"), 0), "port 0 needs ports *");
    assertTrue(p.allowsListen(InetAddress.getByName("10.0.0.1"), 80));
  }

  @Test
  void shouldResolveOnceCheckEveryAddressAndNeverWidenANamePattern() {
    Table t = new Table(Map.of(
        "api.example.com", new String[] {"93.184.216.34"},
        "rebound.example.com", new String[] {"127.0.0.1"},
        "internal.example.com", new String[] {"10.0.0.5"},
        "mixed.example.com", new String[] {"93.184.216.34", "192.168.1.1"},
        "metadata.example.com", new String[] {"169.254.169.254"},
        "localhost", new String[] {"127.0.0.1", "::1"}));
    NetPolicy p = policy(t, "api.example.com:443", "rebound.example.com:443", "internal.example.com:443",
        "mixed.example.com:443", "metadata.example.com:80", "localhost:*");
    // A public answer for a granted name: allowed, and the address returned carries no name.
    InetAddress a = p.check("API.example.com", 443);
    assertEquals("93.184.216.34", a.getHostAddress());
    assertEquals(1, t.lookups.get(), "resolved exactly once");
    assertEquals("93.184.216.34", a.getHostName(), "the checked address has no name that could be looked up again");
    assertTrue(denied(p, "api.example.com", 80).startsWith("net.denied"), "the port is part of the grant");
    // The same granted names pointed at loopback, private or link-local addresses: refused.
    assertTrue(denied(p, "rebound.example.com", 443).contains("resolves to 127.0.0.1"));
    assertTrue(denied(p, "internal.example.com", 443).contains("resolves to 10.0.0.5"));
    assertTrue(denied(p, "mixed.example.com", 443).contains("resolves to 192.168.1.1"), "every address is checked");
    assertTrue(denied(p, "metadata.example.com", 80).contains("169.254.169.254"));
    // The literal of a granted name's address is not granted by the name.
    assertTrue(denied(p, "93.184.216.34", 443).startsWith("net.denied"));
    // localhost may reach loopback, and only by that name.
    assertTrue(p.check("localhost", 1234).isLoopbackAddress());
    assertTrue(denied(p, "127.0.0.1", 1234).startsWith("net.denied"));
    assertTrue(denied(policy(t, "nowhere.example.com:443"), "nowhere.example.com", 443).startsWith("net.unresolved"));
  }

  @Test
  void shouldAllowANameWhoseEveryAddressAnAddressPatternCovers() {
    Table t = new Table(Map.of("db.internal", new String[] {"10.1.2.3", "10.9.9.9"}, "half.internal", new String[] {"10.1.2.3", "11.0.0.1"}));
    NetPolicy p = policy(t, "10.0.0.0/8:5432");
    assertEquals("10.1.2.3", p.check("db.internal", 5432).getHostAddress());
    assertTrue(denied(p, "half.internal", 5432).contains("resolves to 11.0.0.1"));
    assertTrue(denied(p, "db.internal", 5433).startsWith("net.denied"));
  }

  @Test
  void shouldNeverAcceptAnAddressOutsideTheBlocksWhateverTheInput() {
    // Random addresses against random blocks: the policy's answer always equals the arithmetic one.
    Random r = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      int net = r.nextInt(), prefix = r.nextInt(33), addr = r.nextBoolean() ? net ^ (r.nextInt() >>> prefix) : r.nextInt();
      int port = 1 + r.nextInt(65535);
      String block = ip(net) + "/" + prefix + ":" + port;
      NetPolicy p = policy(new Table(Map.of()), block);
      long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
      boolean expected = ((net & mask) == (addr & mask));
      List<String> got = new ArrayList<>();
      try {
        p.check(ip(addr), port);
        got.add("allowed");
      } catch (CapabilityException e) {
        got.add(e.code());
      }
      assertEquals(expected ? "allowed" : "net.denied", got.get(0), block + " vs " + ip(addr));
    }
  }

  private static String ip(int v) {
    return (v >>> 24) + "." + (v >>> 16 & 255) + "." + (v >>> 8 & 255) + "." + (v & 255);
  }
}
