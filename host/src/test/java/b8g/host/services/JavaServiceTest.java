package b8g.host.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.components.Component.ExitStatus;
import b8g.host.BothTiers;
import b8g.host.Host;
import b8g.host.HostFixture;
import b8g.host.manifest.schema.Isolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Java services called from components: values, errors, timeouts, narrowing, cancellation, both tiers. */
class JavaServiceTest extends HostFixture {
  /** The service the tests register: public methods become the service's methods. */
  public static final class Orders {
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch slowStarted = new CountDownLatch(1);
    final CompletableFuture<Object> never = new CompletableFuture<>();

    public Map<String, Object> lookup(long id) {
      calls.incrementAndGet();
      return Map.of("id", id, "item", "book", "qty", 2);
    }

    public Object echo(Object v) {
      return v;
    }

    public String fail(String why) {
      throw new ServiceException("orders.not_found", "no order " + why);
    }

    public String crash() {
      throw new IllegalStateException("secret host detail in com.example.Internal");
    }

    public CompletionStage<Object> hang() {
      slowStarted.countDown();
      return never;
    }

    public Object thread() {
      return Thread.currentThread().getName();
    }
  }

  private static final String MANIFEST = """
      components { name: "plugin" script: "plugin.js" }
      services { name: "orders" application: true }
      grants { component: "plugin" service: "orders" %s }
      grants { component: "plugin" host: LOG }
      """;

  private Path manifest(String methods, String script) throws Exception {
    write("plugin.js", script);
    return write("m.txtpb", MANIFEST.formatted(methods));
  }

  private Host launch(Path m, Isolation tier, Object service, Duration timeout) {
    return Host.launch(new Host.Context().manifest(m).log(log::add).events(events::add).isolation(tier)
        .service("orders", service).serviceTimeout(timeout));
  }

  private ExitStatus run(Isolation tier, String methods, String script, Object service) throws Exception {
    try (Host h = launch(manifest(methods, script), tier, service, Duration.ofSeconds(30))) {
      return finish(h).get("plugin");
    }
  }

  @BothTiers
  void shouldCallAJavaServiceAndGetItsValue(Isolation tier) throws Exception {
    Orders orders = new Orders();
    ExitStatus s = run(tier, "", """
        async function main(env) {
          const o = await env.orders.lookup(7);
          console.log(JSON.stringify(o), typeof env.orders.then);
          const again = await env.orders;
          console.log(again === env.orders);
        }
        """, orders);
    assertEquals(0, s.code(), s.toString() + log);
    assertTrue(log.stream().anyMatch(l -> l.contains("{\"id\":7,\"item\":\"book\",\"qty\":2} undefined")
        || l.contains("\"qty\":2") && l.contains("\"id\":7")), log.toString());
    assertTrue(log.stream().anyMatch(l -> l.endsWith("true")), log.toString());
    assertEquals(1, orders.calls.get());
  }
}
