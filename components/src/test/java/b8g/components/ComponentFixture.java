package b8g.components;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.capabilities.Right;
import b8g.components.Component.EnvEntry;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What component tests share: components started with a log capability whose lines go to {@link
 * #log} ("name:text"), rings in regions of their own, and, after each test, every component ended
 * and every region released.
 */
abstract class ComponentFixture {
  protected final List<Region> regions = new ArrayList<>();
  protected final List<Component> components = new ArrayList<>();
  protected final List<String> log = Collections.synchronizedList(new ArrayList<>());
  protected final HostServices logging = Fixtures.logging((s, text) -> log.add(s.name() + ":" + text));

  @AfterEach
  void endComponentsAndReleaseMemory() throws InterruptedException {
    for (Component c : components) {
      c.terminate("test over");
      assertNotNull(c.awaitExit(Duration.ofSeconds(10)), "component did not end");
    }
    regions.forEach(Region::close);
  }

  /** Starts {@code ctx} with a log grant and the logging services; ended after the test. */
  protected Component start(Component.Context ctx) {
    ctx.services(logging).grant(EnvEntry.of("log", Capability.root(Kind.LOG, null, EnumSet.noneOf(Right.class))));
    Component c = Component.start(ctx);
    components.add(c);
    return c;
  }

  /** A new ring of {@code capacity} in a region released after the test. */
  protected Ring ring(int capacity) {
    Region r = Region.anonymous("ch", capacity + RingDescriptor.TRAILER_LENGTH);
    regions.add(r);
    return Ring.create(r);
  }
}
