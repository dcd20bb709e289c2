package b8g.examples.embed;

import b8g.components.Component.ExitStatus;
import b8g.host.Host;
import b8g.host.services.ServiceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A Java application that embeds b8g: it registers an {@code orders} service (a plain object; its
 * public methods are the service's methods) and hosts the plugins of {@code plugins/embed.txtpb},
 * which call it as {@code await env.orders.lookup(id)}. The manifest decides who may call what:
 * {@code pricing} may call {@code lookup} and {@code history}, {@code audit} only {@code lookup}.
 *
 * <p>Run: {@code java -cp ... b8g.examples.embed.EmbedOrders [examples/embed/plugins/embed.txtpb]}.
 */
public final class EmbedOrders {
  /** The application's own object: nothing of it but the values its methods return reaches JS. */
  public static final class Orders {
    private final Map<Long, Map<String, Object>> orders = Map.of(
        1L, Map.of("item", "book", "qty", 2, "price", 12.99),
        2L, Map.of("item", "lamp", "qty", 1, "price", 30.0));

    /** An order by id, or the error {@code orders.not_found}. */
    public Map<String, Object> lookup(long id) {
      Map<String, Object> o = orders.get(id);
      if (o == null) {
        throw new ServiceException("orders.not_found", "no order " + id);
      }
      return o;
    }

    /** A customer's order ids, computed asynchronously. */
    public CompletionStage<List<Long>> history(String customer) {
      return CompletableFuture.supplyAsync(() -> customer.equals("ada") ? List.of(1L, 2L) : List.of());
    }

    /** Not granted to any plugin in the example's manifest. */
    public boolean cancel(long id) {
      throw new AssertionError("no plugin may cancel");
    }
  }

  private EmbedOrders() {}

  /** Hosts the plugins of {@code manifest} until they end; their console lines go to {@code out}. */
  public static Map<String, ExitStatus> run(Path manifest, Consumer<String> out) throws InterruptedException {
    try (Host host = Host.launch(new Host.Context().manifest(manifest).log(out)
        .service("orders", new Orders()).serviceTimeout(Duration.ofSeconds(5)))) {
      return host.awaitCompletion(Duration.ofSeconds(60));
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Path manifest = Path.of(args.length > 0 ? args[0] : "examples/embed/plugins/embed.txtpb");
    Map<String, ExitStatus> done = run(manifest, System.out::println);
    boolean ok = done != null && done.values().stream().allMatch(ExitStatus::success);
    System.exit(ok ? 0 : 1);
  }
}
