package b8g.host.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.ServiceBinding;
import b8g.components.ServiceValues;
import b8g.memory.Message;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import b8g.memory.RingReader;
import b8g.memory.RingWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pump of a Java service against a client that is Java code writing the rings directly, as a
 * hostile component could only dream of: the narrowing holds at the server, garbage gets coded
 * answers, and a flood runs at most {@link ServiceValues#MAX_IN_FLIGHT} calls at once.
 */
class ServicePumpTest {
  private final List<Region> regions = new ArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private ServicePump pump;

  @AfterEach
  void release() {
    if (pump != null) {
      pump.close();
    }
    executor.shutdownNow();
    timer.shutdownNow();
    regions.forEach(Region::close);
  }

  private Ring ring() {
    Region r = Region.anonymous("t", ServiceBinding.RING_CAPACITY + RingDescriptor.TRAILER_LENGTH);
    regions.add(r);
    return Ring.create(r);
  }

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

  /** (id, status, value) of the next answer. */
  private static Object[] answer(RingReader responses) {
    Message m = responses.take(Duration.ofSeconds(20));
    assertNotNull(m, "an answer");
    ByteBuffer b = ByteBuffer.wrap(m.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    int id = b.getInt();
    int status = b.get();
    return new Object[] {id, status, ServiceValues.decode(b)};
  }

  private ServiceBinding start(List<String> methods, Service service) {
    ServiceBinding b = new ServiceBinding(ring(), ring(), methods);
    pump = new ServicePump("orders", "client", b, service, executor, timer, Duration.ofSeconds(20));
    pump.start();
    return b;
  }

  public static final class Orders {
    public Object lookup(long id) {
      return Map.of("id", id);
    }

    public Object delete(long id) {
      throw new AssertionError("a narrowed client reached delete");
    }
  }

  /** A public base outside the JDK: its methods are the service's too, unless a JDK type declares them. */
  public static class Base implements AutoCloseable {
    public void setOwner(String owner) {}

    @Override
    public void close() {}
  }

  static final class Closing extends Base implements Comparable<Closing> {
    public Object lookup(long id) {
      return id;
    }

    @Override
    public String toString() {
      return "closing";
    }

    @Override
    public int compareTo(Closing o) {
      return 0;
    }

    public static Object make() {
      return null;
    }
  }

  public record Point(double x, double y) {
    public double length() {
      return Math.hypot(x, y);
    }
  }

  public enum Mode {
    ON;

    public String label() {
      return "on";
    }
  }

  @Test
  void shouldServeOnlyMethodsTheObjectsClassesDeclareNeverThoseOfThePlatform() {
    assertEquals(java.util.Set.of("lookup", "setOwner"), Service.of(new Closing()).methods());
    assertEquals(java.util.Set.of("x", "y", "length"), Service.of(new Point(3, 4)).methods());
    assertEquals(java.util.Set.of("label"), Service.of(Mode.ON).methods());
    assertThrows(IllegalArgumentException.class, () -> Service.of(new Object()));
    assertThrows(IllegalArgumentException.class, () -> Service.of(new java.util.ArrayList<>()));
  }

  @Test
  void shouldEnforceTheNarrowingAtTheServerWhateverTheClientSends() {
    ServiceBinding b = start(List.of("lookup"), Service.of(new Orders()));
    RingWriter requests = b.requests().writer();
    RingReader responses = b.responses().reader();
    assertTrue(requests.write(request(1, "delete", List.of(5.0)), RingDescriptor.TYPE_BYTES, Duration.ofSeconds(5)));
    b.requests().wakeReader();
    Object[] a = answer(responses);
    assertEquals(1, a[0]);
    assertEquals(1, a[1]);
    assertEquals(List.of("service.unknown_method", "delete is not a method this component may call"), a[2]);
    assertTrue(requests.write(request(2, "lookup", List.of(5.0)), RingDescriptor.TYPE_BYTES, Duration.ofSeconds(5)));
    b.requests().wakeReader();
    Object[] ok = answer(responses);
    assertEquals(2, ok[0]);
    assertEquals(0, ok[1]);
    assertEquals(Map.of("id", 5.0), ok[2]);
  }

  @Test
  void shouldAnswerGarbageWithServiceCorruptAndGoOn() {
    ServiceBinding b = start(List.of(), Service.of(new Orders()));
    RingWriter requests = b.requests().writer();
    RingReader responses = b.responses().reader();
    Random random = new Random(3);
    int answered = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] g = new byte[5 + random.nextInt(60)];
      random.nextBytes(g);
      ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN).putInt(0, i);
      if (i % 2 == 0) {
        byte[] valid = request(i, "lookup", List.of(1.0));
        valid[5 + 6 + random.nextInt(valid.length - 11)] = (byte) random.nextInt(256);
        g = valid;
      }
      assertTrue(requests.write(g, RingDescriptor.TYPE_BYTES, Duration.ofSeconds(5)));
      b.requests().wakeReader();
      Object[] a = answer(responses);
      assertEquals(i, a[0]);
      answered++;
    }
    assertEquals(2000, answered);
    assertTrue(requests.write(request(9, "lookup", List.of(3.0)), RingDescriptor.TYPE_BYTES, Duration.ofSeconds(5)));
    b.requests().wakeReader();
    assertEquals(Map.of("id", 3.0), answer(responses)[2]);
  }

  @Test
  void shouldRunAtMostTheBoundOfCallsOfAFloodingClient() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    Service slow = (method, args) -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      release.await(20, TimeUnit.SECONDS);
      running.decrementAndGet();
      return 1;
    };
    ServiceBinding b = start(List.of(), slow);
    RingWriter requests = b.requests().writer();
    RingReader responses = b.responses().reader();
    int flood = 3 * ServiceValues.MAX_IN_FLIGHT;
    for (int i = 0; i < flood; i++) {
      assertTrue(requests.write(request(i, "x", List.of()), RingDescriptor.TYPE_BYTES, Duration.ofSeconds(5)));
      b.requests().wakeReader();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (running.get() < ServiceValues.MAX_IN_FLIGHT && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Thread.sleep(200);
    assertEquals(ServiceValues.MAX_IN_FLIGHT, running.get(), "the pump reads no further while the bound is reached");
    assertTrue(b.requests().used() > 0, "the rest wait in the client's ring");
    release.countDown();
    for (int i = 0; i < flood; i++) {
      assertEquals(0, answer(responses)[1]);
    }
    assertEquals(ServiceValues.MAX_IN_FLIGHT, most.get());
  }
}
