package b8g.host;

import java.util.function.Consumer;

/**
 * Where the host reports what happens ({@link HostEvent}): the embedding application's sink, which
 * may fail without breaking supervision. Thread-safe if the sink is.
 */
final class Events {
  private final Consumer<HostEvent> sink;

  Events(Consumer<HostEvent> sink) {
    this.sink = sink;
  }

  void emit(HostEvent.Kind kind, String component, String detail) {
    try {
      sink.accept(new HostEvent(kind, component, detail));
    } catch (RuntimeException e) {
      // A failing event sink must not break supervision.
    }
  }
}
