package b8g.components;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The host's codec of service values: round trips, limits, and hostile bytes (fuzzed). */
class ServiceValuesTest {
  private static ByteBuffer encode(Object v) {
    ServiceValues.Out out = new ServiceValues.Out(0);
    ServiceValues.encode(out, v);
    return out.buffer();
  }

  private static Object roundTrip(Object v) {
    return ServiceValues.decode(encode(v));
  }

  @Test
  void shouldRoundTripEverySupportedType() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(1.0, "one");
    map.put("k", List.of(true, false));
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("a", 1.5);
    obj.put("b", null);
    List<Object> values = List.of(true, 0.0, -1.0, 1.5, Double.NaN, Double.NEGATIVE_INFINITY, (double) Integer.MIN_VALUE,
        1e300, new BigInteger("-123456789012345678901234567890"), BigInteger.ZERO, "", "héllo 🌍", List.of(), map, obj);
    for (Object v : values) {
      assertEquals(v, roundTrip(v), "round trip of " + v);
    }
    assertArrayEquals(new byte[] {1, 2, -1}, (byte[]) roundTrip(new byte[] {1, 2, -1}));
    assertEquals(null, roundTrip(null));
    assertEquals(-0.0, (double) roundTrip(-0.0));
    assertTrue(1 / (double) roundTrip(-0.0) < 0, "-0 stays -0");
    // Java's own number types become JS numbers, longs past 2^53 bigints.
    assertEquals(7.0, roundTrip(7));
    assertEquals(7.0, roundTrip(7L));
    assertEquals(BigInteger.valueOf(Long.MAX_VALUE), roundTrip(Long.MAX_VALUE));
    assertEquals(BigInteger.valueOf(Long.MIN_VALUE), roundTrip(Long.MIN_VALUE), "Long.MIN_VALUE is past 2^53 too");
    assertEquals(-9007199254740991.0, roundTrip(-((1L << 53) - 1)));
    assertEquals(2.5, roundTrip(2.5f));
    assertEquals("x", roundTrip('x'));
    assertEquals(List.of(1.0, "a"), roundTrip(new Object[] {1, "a"}));
  }

  @Test
  void shouldRefuseWhatCannotCrossWithoutNamingAClass() {
    var e = assertThrows(ComponentException.class, () -> encode(new Object()));
    assertEquals("service.bad_result", e.code());
    assertTrue(!e.getMessage().contains("java"), e.getMessage());
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertEquals("service.bad_result", assertThrows(ComponentException.class, () -> encode(cycle)).code());
    Object deep = List.of();
    for (int i = 0; i < ServiceValues.MAX_DEPTH + 1; i++) {
      deep = List.of(deep);
    }
    Object tooDeep = deep;
    assertTrue(assertThrows(ComponentException.class, () -> encode(tooDeep)).getMessage().contains("deeper"));
    assertTrue(assertThrows(ComponentException.class, () -> encode(new byte[ServiceValues.MAX_BYTES])).getMessage().contains("larger"));
  }

  @Test
  void shouldRefuseHostileBytesWithServiceCorruptOnly() {
    Random random = new Random(11);
    List<ByteBuffer> seeds = List.of(encode(List.of(1.0, "abc", Map.of("k", List.of(new byte[] {1, 2})))), encode(BigInteger.TEN.pow(40)),
        encode(Map.of(1.0, 2.0)), encode("x"));
    int refused = 0;
    for (int i = 0; i < 200_000; i++) {
      byte[] b;
      if (i % 3 == 0) {
        b = new byte[random.nextInt(64)];
        random.nextBytes(b);
      } else {
        ByteBuffer seed = seeds.get(random.nextInt(seeds.size()));
        b = new byte[seed.remaining()];
        seed.duplicate().get(b);
        for (int k = 0, n = 1 + random.nextInt(4); k < n && b.length > 0; k++) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        if (random.nextInt(4) == 0 && b.length > 0) {
          b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
        }
      }
      try {
        ServiceValues.decode(ByteBuffer.wrap(b));
      } catch (ComponentException e) {
        assertEquals("service.corrupt", e.code());
        refused++;
      }
    }
    assertTrue(refused > 10_000, "most mutations are refused: " + refused);
  }

  @Test
  void shouldRefuseCountsThatPromiseMoreThanIsThereBeforeAllocating() {
    // An array claiming 2^32 - 1 items in 5 bytes, a string claiming 2 GiB.
    byte[] array = {Protocol.VALUE_ARRAY, -1, -1, -1, -1};
    byte[] string = {Protocol.VALUE_STRING, 0, 0, 0, (byte) 0x80};
    for (byte[] b : List.of(array, string)) {
      assertEquals("service.corrupt", assertThrows(ComponentException.class, () -> ServiceValues.decode(ByteBuffer.wrap(b))).code());
    }
    // Every level claiming as many items as bytes are left: refused without a list sized by each claim.
    int levels = ServiceValues.MAX_DEPTH - 1;
    ByteBuffer claims = ByteBuffer.allocate(levels * 5 + (1 << 20)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < levels; i++) {
      claims.put((byte) Protocol.VALUE_ARRAY).putInt(claims.capacity() - claims.position() - 4);
    }
    claims.position(0);
    long before = usedHeap();
    assertEquals("service.corrupt", assertThrows(ComponentException.class, () -> ServiceValues.decode(claims)).code());
    assertTrue(usedHeap() - before < (64L << 20), "nested claims allocated " + ((usedHeap() - before) >> 20) + " MiB");
    byte[] deep = new byte[ServiceValues.MAX_DEPTH * 5 + 6];
    for (int i = 0; i < ServiceValues.MAX_DEPTH + 1; i++) {
      deep[i * 5] = Protocol.VALUE_ARRAY;
      deep[i * 5 + 1] = 1;
    }
    assertTrue(assertThrows(ComponentException.class, () -> ServiceValues.decode(ByteBuffer.wrap(deep))).getMessage().contains("deeper"));
  }

  private static long usedHeap() {
    // What this thread allocated so far: no garbage collection can hide it.
    return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }
}
