package b8g.components;

import b8g.capabilities.Capability;
import java.util.Map;
import java.util.function.BiConsumer;

/** Shared test doubles: a host that only logs; everything else is refused as {@link HostServices#NONE} does. */
final class Fixtures {
  private Fixtures() {}

  static HostServices logging(BiConsumer<Component, String> sink) {
    return new HostServices() {
      @Override public void log(Component s, String level, String text) { sink.accept(s, text); }
      @Override public long run(Component p, Capability r, String s, Map<String, Capability> g, Map<String, String> v) { return NONE.run(p, r, s, g, v); }
      @Override public void terminateChild(Component p, long id) { NONE.terminateChild(p, id); }
      @Override public long watchPath(Component s, Capability w, String p) { return NONE.watchPath(s, w, p); }
      @Override public void unwatch(Component s, long id) { NONE.unwatch(s, id); }
      @Override public void export(Component s, String n, Capability c) { NONE.export(s, n, c); }
      @Override public Map<String, Capability> link(Component s, String secret) { return NONE.link(s, secret); }
    };
  }
}
