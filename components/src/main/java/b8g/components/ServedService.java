package b8g.components;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * The serving end of a service a component provides: the bindings of all its clients, in the
 * order they were made (an index never changes). The manifest's clients are there before the
 * server starts; a client made by {@code link} is added at run time and announced to whoever
 * listens (the server's component, {@link CapabilityBinder}). Thread-safe.
 */
public final class ServedService {
  private final String name;
  private final List<ServiceBinding> bindings = new CopyOnWriteArrayList<>();
  private volatile IntConsumer added = i -> {};

  public ServedService(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Adds a client's binding; returns its index. */
  public synchronized int add(ServiceBinding b) {
    bindings.add(b);
    int index = bindings.size() - 1;
    added.accept(index);
    return index;
  }

  /** The binding at {@code index}, or null. */
  public ServiceBinding binding(int index) {
    return index >= 0 && index < bindings.size() ? bindings.get(index) : null;
  }

  public List<ServiceBinding> bindings() {
    return List.copyOf(bindings);
  }

  /** Who hears of bindings added from now on (the serving component's binder); replaces the last one. */
  synchronized void onAdded(IntConsumer listener) {
    added = listener;
  }
}
