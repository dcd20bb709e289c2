package b8g.host;

import b8g.host.jfr.JfrEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the host reports what happens ({@link HostEvent}): the embedding application's sinks
 * ({@link Host.Context#events}, {@link Host.Context#jsonEvents}), each of which may fail without
 * breaking supervision or keeping the event from the others, and JDK Flight Recorder when a
 * recording is on ({@link JfrEvents}). Thread-safe if the sinks are.
 */
final class Events {
  private final List<Consumer<HostEvent>> sinks;

  Events(List<Consumer<HostEvent>> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  void emit(HostEvent.Kind kind, String component, String detail) {
    emit(kind, component, detail, Map.of());
  }

  /** Emits an event with {@code fields} (see {@link HostEvent#fields(Object...)}). */
  void emit(HostEvent.Kind kind, String component, String detail, Map<String, Object> fields) {
    HostEvent e = new HostEvent(Instant.now(), kind, component, detail, fields);
    try {
      JfrEvents.commit(e);
    } catch (VirtualMachineError x) {
      throw x; // out of memory, stack overflow: the JVM's own state, not the observer's
    } catch (Throwable x) {
      // Recording is an observer too: it must not break supervision.
    }
    for (Consumer<HostEvent> sink : sinks) {
      try {
        sink.accept(e);
      } catch (VirtualMachineError x) {
        throw x;
      } catch (Throwable x) {
        // A failing event sink (an exception, an assertion, a linkage error) must not break
        // supervision, nor keep the other sinks from the event.
      }
    }
  }
}
