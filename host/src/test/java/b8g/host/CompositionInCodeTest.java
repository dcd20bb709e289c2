package b8g.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import b8g.host.manifest.ManifestException;
import b8g.host.manifest.ManifestLoader;
import b8g.host.manifest.schema.Component;
import b8g.host.manifest.schema.Grant;
import b8g.host.manifest.schema.HostCapability;
import b8g.host.manifest.schema.Manifest;
import b8g.host.manifest.schema.Service;
import org.junit.jupiter.api.Test;

/** An application builds its composition in code instead of a manifest file, with the same rules. */
class CompositionInCodeTest extends HostFixture {
  /** The application's service. */
  public static final class Prices {
    public double price(String item) {
      return item.equals("book") ? 12.5 : 0;
    }
  }

  private static Manifest.Builder composition() {
    return Manifest.newBuilder()
        .addComponents(Component.newBuilder().setName("plugin").setScript("plugin.js"))
        .addServices(Service.newBuilder().setName("prices").setApplication(true))
        .addGrants(Grant.newBuilder().setComponent("plugin").setService("prices").addMethods("price"))
        .addGrants(Grant.newBuilder().setComponent("plugin").setHost(HostCapability.LOG));
  }

  @Test
  void shouldRunACompositionBuiltInCodeWithAServiceOfTheApplication() throws Exception {
    write("plugin.js", "async function main(env) { console.log('book costs ' + await env.prices.price('book')); }");
    try (Host h = Host.launch(new Host.Context().manifest(ManifestLoader.of(composition().build(), dir))
        .log(log::add).service("prices", new Prices()))) {
      assertTrue(finish(h).get("plugin").success(), log.toString());
    }
    assertTrue(log.contains("[plugin] book costs 12.5"), log.toString());
  }

  @Test
  void shouldRefuseABadCompositionNamingTheField() throws Exception {
    write("plugin.js", "function main(env) {}");
    Manifest bad = composition().addGrants(Grant.newBuilder().setComponent("plugin").setService("stock")).build();
    ManifestException e = assertThrows(ManifestException.class, () -> ManifestLoader.of(bad, dir));
    assertEquals("manifest.unknown_service", e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("grants[2]") && e.getMessage().contains("\"stock\""), e.getMessage());
    Manifest missing = composition().setComponents(0, Component.newBuilder().setName("plugin").setScript("nope.js")).build();
    ManifestException m = assertThrows(ManifestException.class, () -> ManifestLoader.of(missing, dir));
    assertTrue(m.getMessage().contains("nope.js"), m.getMessage());
  }
}
