package b8g.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.Component.EnvEntry;
import b8g.memory.Message;
import b8g.memory.RingDescriptor;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A component's service ends against Java playing the other side: a serving component enforces
 * its client's narrowing whatever the client sends, and a component with calls pending on a
 * service cannot be snapshotted (snapshot.unsupported) but can once they are answered.
 */
class ServiceEndsTest extends ComponentFixture {
  private static final Duration T = Duration.ofSeconds(20);

  private static byte[] request(int id, String method, List<Object> args) {
    byte[] m = method.getBytes(StandardCharsets.UTF_8);
    ServiceValues.Out out = new ServiceValues.Out(5 + m.length);
    ServiceValues.encode(out, args);
    out.setInt(0, id);
    out.set(4, m.length);
    out.set(5, m);
    byte[] b = new byte[out.length()];
    out.buffer().get(b);
    return b;
  }

  private static Object[] answer(RingReader r) {
    Message m = r.take(T);
    assertNotNull(m, "an answer");
    ByteBuffer b = ByteBuffer.wrap(m.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    return new Object[] {b.getInt(), (int) b.get(), ServiceValues.decode(b)};
  }

  @Test
  void shouldEnforceTheClientsNarrowingInTheServingComponent() throws Exception {
    ServiceBinding b = new ServiceBinding(ring(1 << 16), ring(1 << 16), List.of("lookup"));
    ServedService served = new ServedService("shop");
    served.add(b);
    start(new Component.Context().name("server").script("""
        async function main(env) {
          env.shop.serve({ lookup(id) { return id + 1; }, remove(id) { console.log('remove ran'); return true; } });
          await new Promise(() => {});
        }""", "server.js").grant(EnvEntry.of("shop", Capability.root(Kind.SERVE, served, EnumSet.noneOf(Right.class)))));
    RingWriter requests = b.requests().writer();
    RingReader responses = b.responses().reader();
    assertTrue(requests.write(request(1, "remove", List.of(1.0)), RingDescriptor.TYPE_BYTES, T));
    b.requests().wakeReader();
    Object[] refused = answer(responses);
    assertEquals(1, refused[1]);
    assertEquals("service.unknown_method", ((List<?>) refused[2]).get(0));
    assertTrue(requests.write(request(2, "lookup", List.of(41.0)), RingDescriptor.TYPE_BYTES, T));
    b.requests().wakeReader();
    assertEquals(42.0, answer(responses)[2]);
    assertTrue(log.stream().noneMatch(l -> l.contains("remove ran")), log.toString());
  }

  @Test
  void shouldRefuseASnapshotWhileCallsArePendingAndTakeOneBetweenCalls() throws Exception {
    ServiceBinding b = new ServiceBinding(ring(1 << 16), ring(1 << 16), List.of());
    Component c = start(new Component.Context().name("client").snapshottable(true).script("""
        let n = 0;
        async function main(env) {
          globalThis.call = async (label) => console.log(label, await env.svc.get(++n));
          call('first');
          await new Promise(() => {});
        }""", "client.js").grant(EnvEntry.of("svc", Capability.root(Kind.SERVICE, b, EnumSet.noneOf(Right.class)))));
    RingReader requests = b.requests().reader();
    RingWriter responses = b.responses().writer();
    Message first = requests.take(T);
    assertNotNull(first);
    ComponentException e = assertThrows(ComponentException.class, () -> c.snapshot(T));
    assertEquals("snapshot.unsupported", e.code());
    assertTrue(e.getMessage().contains("calls pending on service svc"), e.getMessage());
    ServiceValues.Out out = new ServiceValues.Out(5);
    ServiceValues.encode(out, "one");
    out.setInt(0, ByteBuffer.wrap(first.bytes()).order(ByteOrder.LITTLE_ENDIAN).getInt());
    assertTrue(responses.offer(out.buffer(), RingDescriptor.TYPE_BYTES));
    b.responses().wakeReader();
    long deadline = System.nanoTime() + T.toNanos();
    while (!log.contains("client:first one")) {
      assertTrue(System.nanoTime() < deadline, log.toString());
      Thread.sleep(5);
    }
    assertNotNull(c.snapshot(T), "between calls the snapshot is taken");
    assertEquals(null, c.status(), "and the component goes on");
  }
}
