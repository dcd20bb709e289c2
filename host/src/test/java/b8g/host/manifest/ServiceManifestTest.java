package b8g.host.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Services in a manifest: declarations, grants, narrowing, what `b8g check` and `b8g types` say. */
class ServiceManifestTest {
  @TempDir Path dir;

  private LoadedManifest load(String text) throws Exception {
    for (String s : new String[] {"a.js", "b.js", "c.js"}) {
      Files.writeString(dir.resolve(s), "function main(env) {}");
    }
    return ManifestLoader.parse(text, dir.resolve("m.txtpb"));
  }

  private static final String GOOD = """
      components { name: "shop" script: "a.js" }
      components { name: "plugin" script: "b.js" }
      components { name: "audit" script: "c.js" }
      services { name: "orders" application: true }
      services { name: "stock" component: "shop" }
      grants { component: "plugin" service: "orders" methods: ["lookup", "list"] }
      grants { component: "audit" service: "orders" as: "all_orders" }
      grants { component: "shop" service: "stock" }
      grants { component: "plugin" service: "stock" methods: ["count"] }
      """;

  @Test
  void shouldSayWhoCallsWhichServiceInCheck() throws Exception {
    String out = Reachability.describe(load(GOOD));
    assertTrue(out.contains("  env.orders: service orders, methods lookup, list (client; served by: the application)"), out);
    assertTrue(out.contains("  env.all_orders: service orders, every method (client; served by: the application)"), out);
    assertTrue(out.contains("  env.stock: service stock (serving end; clients: plugin)"), out);
    assertTrue(out.contains("service orders: served by the application; called by plugin (lookup, list), audit"), out);
    assertTrue(out.contains("service stock: served by shop; called by plugin (count)"), out);
  }

  @Test
  void shouldTypeServiceGrants() throws Exception {
    String types = EnvTypes.describe(load(GOOD));
    assertTrue(types.contains("orders: Service<\"lookup\" | \"list\">;"), types);
    assertTrue(types.contains("all_orders: Service;"), types);
    assertTrue(types.contains("stock: Serve;"), types);
    assertTrue(types.contains("stock: Service<\"count\">;"), types);
  }

  private void refused(String code, String text, String says) {
    ManifestException e = assertThrows(ManifestException.class, () -> load(text));
    assertEquals(code, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(says), e.getMessage());
  }

  @Test
  void shouldRefuseBadServiceDeclarationsAndGrants() {
    String c = "components { name: \"shop\" script: \"a.js\" } components { name: \"plugin\" script: \"b.js\" }\n";
    refused("manifest.unknown_service", c + "grants { component: \"plugin\" service: \"nope\" }", "unknown service \"nope\"");
    refused("manifest.no_provider", c + "services { name: \"s\" }", "names no provider");
    refused("manifest.no_provider", c + "services { name: \"s\" application: false }", "application: true");
    refused("manifest.unknown_component", c + "services { name: \"s\" component: \"ghost\" }", "unknown component \"ghost\"");
    refused("manifest.duplicate_name", c + "services { name: \"s\" application: true } services { name: \"s\" application: true }",
        "duplicate service name");
    refused("manifest.service_not_served", c + "services { name: \"s\" component: \"shop\" }", "has no grant of it");
    refused("manifest.methods_not_applicable", c + "services { name: \"s\" component: \"shop\" } grants { component: \"shop\" service: \"s\" methods: [\"x\"] }",
        "serving end");
    refused("manifest.methods_not_applicable", c + "grants { component: \"shop\" host: LOG methods: [\"x\"] }", "a service only");
    refused("manifest.host_rights", c + "services { name: \"s\" application: true } grants { component: \"plugin\" service: \"s\" rights: READ }",
        "takes none");
    refused("manifest.duplicate_name", c + "services { name: \"s\" application: true } grants { component: \"plugin\" service: \"s\" methods: [\"a\", \"a\"] }",
        "listed twice");
  }

  @Test
  void shouldAllowServiceGrantsToWorkerComponents() throws Exception {
    LoadedManifest m = load("""
        components { name: "shop" script: "a.js" isolation: PROCESS }
        components { name: "plugin" script: "b.js" isolation: PROCESS }
        services { name: "stock" component: "shop" }
        services { name: "orders" application: true }
        grants { component: "shop" service: "stock" }
        grants { component: "plugin" service: "stock" }
        grants { component: "plugin" service: "orders" }
        """);
    assertEquals(2, m.services().size());
  }
}
