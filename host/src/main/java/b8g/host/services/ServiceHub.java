package b8g.host.services;

import b8g.capabilities.Capability;
import b8g.capabilities.CapabilityException;
import b8g.components.ServedService;
import b8g.components.ServiceBinding;
import b8g.errors.B8gException;
import b8g.host.manifest.ComponentSpec;
import b8g.host.manifest.GrantSpec;
import b8g.host.manifest.LoadedManifest;
import b8g.host.manifest.ServiceSpec;
import b8g.memory.Region;
import b8g.memory.Ring;
import b8g.memory.RingDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

/**
 * The host's services: the Java services the application registered, the two rings of every
 * client grant (made when the host opens, before any component starts, and released when it
 * closes), the serving end of each service a component provides, and a {@link ServicePump} per
 * client of a Java service. A client's binding outlives its instances: a restarted client calls
 * over the same rings, and its predecessor's calls are cancelled ({@link #released}).
 *
 * <p>Public for {@code b8g.host.Host} only; not an API. Thread-safe after {@link #open}.
 */
public final class ServiceHub implements AutoCloseable {
  /** Options the embedding application set on {@code Host.Context}. */
  public record Options(Map<String, Service> services, Executor executor, Duration timeout) {
    public Options {
      services = Map.copyOf(services);
    }
  }

  /** How long a dead server's END may wait for room in a client's full response ring. */
  private static final Duration END_WAIT = Duration.ofMillis(100);

  private final Options options;
  /** Binding of each client grant, by "component/env". */
  private final Map<String, ServiceBinding> bindings = new LinkedHashMap<>();
  /** Serving end of each component-provided service, by service name. */
  private final Map<String, ServedService> served = new LinkedHashMap<>();
  /** Pumps of Java services by client component. */
  private final Map<String, List<ServicePump>> pumps = new ConcurrentHashMap<>();
  private final List<Region> memory = new ArrayList<>();
  /** Which service each binding belongs to, for a link that hands a client on. */
  private final Map<ServiceBinding, ServiceSpec> serviceOf = new ConcurrentHashMap<>();
  /** Service clients each component received from links, at most {@link #MAX_FORKS} per component. */
  private final Map<String, Integer> forks = new java.util.HashMap<>();
  /**
   * Service clients one component may receive from links over the host's life: each has rings of
   * its own (2 MiB), kept until the host closes, and, for a Java service, a pump thread.
   */
  static final int MAX_FORKS = 64;
  private Predicate<String> inWorker = c -> false;
  private final ScheduledExecutorService timer;
  private final ExecutorService ownExecutor;
  private final Executor executor;
  private LoadedManifest manifest;

  public ServiceHub(Options options) {
    this.options = options;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "b8g-service-timeouts"));
    if (options.executor() != null) {
      ownExecutor = null;
      executor = options.executor();
    } else {
      // Enough threads that a few slow calls do not hold up the rest; a service that blocks for
      // long should come with its own executor (Host.Context.serviceExecutor).
      ownExecutor = Executors.newFixedThreadPool(16, r -> daemon(r, "b8g-service-call"));
      executor = ownExecutor;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Checks that every service the manifest says the application provides is registered, then
   * makes the rings of every client grant: as shared memory ({@link Region#shared}) when the
   * client or the provider runs in a worker process, as the host does for manifest channels.
   *
   * @throws B8gException {@code host.config} naming a service the application did not register
   */
  public void open(LoadedManifest m, Predicate<String> inWorker) {
    this.manifest = m;
    this.inWorker = inWorker;
    for (ServiceSpec s : m.services()) {
      if (s.provider().isEmpty() && !options.services().containsKey(s.name())) {
        throw new B8gException(B8gException.Category.USAGE, "host.config", "the manifest says the application provides service "
            + s.name() + " (" + s.location() + "), but none was registered; call Host.Context.service(\"" + s.name() + "\", ...)");
      }
      s.provider().ifPresent(p -> served.put(s.name(), new ServedService(s.name())));
    }
    for (ComponentSpec c : m.components()) {
      for (GrantSpec g : c.grants()) {
        if (g.kind() != GrantSpec.Kind.SERVICE) {
          continue;
        }
        ServiceSpec s = m.service(g.target()).orElseThrow();
        boolean shared = inWorker.test(c.name()) || s.provider().map(inWorker::test).orElse(false);
        List<String> methods = g.methods();
        Service java = s.provider().isEmpty() ? options.services().get(s.name()) : null;
        if (methods.isEmpty() && java != null && java.methods() != null) {
          methods = List.copyOf(java.methods()); // the stub then knows them too
        }
        ServiceBinding b = serve(s, c.name(), s.name() + "-" + c.name(), methods, shared);
        bindings.put(c.name() + "/" + g.env(), b);
      }
    }
  }

  /**
   * A new client of the service {@code cap} calls, for {@code linker} (a link handed it on): its
   * own rings (a ring has one writer), the same methods, served by a new pump or added to the
   * serving component's bindings. Revoking {@code cap} revokes it too. In process only: a serving
   * component in a worker process learns of no client after its start.
   *
   * @throws CapabilityException {@code capability.isolation} when the provider runs in a worker
   */
  public Capability fork(Capability cap, String linker) {
    ServiceBinding from = cap.target(ServiceBinding.class);
    ServiceSpec s = serviceOf.get(from);
    if (s == null) {
      throw new CapabilityException("capability.unknown", "this service client cannot be handed on");
    }
    if (s.provider().map(inWorker::test).orElse(false)) {
      throw new CapabilityException("capability.isolation", "service " + s.name() + " is served by a component in a worker "
          + "process, which cannot take new clients at run time yet; grant the service to " + linker + " in the manifest");
    }
    synchronized (this) {
      int n = forks.getOrDefault(linker, 0);
      if (n >= MAX_FORKS) {
        throw new CapabilityException("capability.limit", linker + " holds " + MAX_FORKS + " service clients from links "
            + "already; link once and keep what the link gave");
      }
      forks.put(linker, n + 1);
    }
    ServiceBinding b = serve(s, linker, s.name() + "-" + linker + "-linked", from.methods(), false);
    Capability given = Capability.root(Capability.Kind.SERVICE, b, cap.rights());
    cap.onRevoke(given::revoke);
    return given;
  }

  /**
   * A new binding of a client of {@code s}: its rings, served by a new pump for a Java service or
   * added to the serving component's bindings.
   */
  private ServiceBinding serve(ServiceSpec s, String client, String name, List<String> methods, boolean shared) {
    ServiceBinding b;
    synchronized (this) {
      b = binding(name, methods, shared);
    }
    serviceOf.put(b, s);
    if (s.provider().isEmpty()) {
      ServicePump p = new ServicePump(s.name(), client, b, options.services().get(s.name()), executor, timer, options.timeout());
      pumps.computeIfAbsent(client, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(p);
      p.start();
    } else {
      served.get(s.name()).add(b);
    }
    return b;
  }

  private ServiceBinding binding(String name, List<String> methods, boolean shared) {
    long size = (long) ServiceBinding.RING_CAPACITY + RingDescriptor.TRAILER_LENGTH;
    Region req = shared ? Region.shared("service-" + name + "-requests", size) : Region.anonymous("service-" + name + "-requests", size);
    memory.add(req);
    Region res = shared ? Region.shared("service-" + name + "-responses", size) : Region.anonymous("service-" + name + "-responses", size);
    memory.add(res);
    return new ServiceBinding(Ring.create(req), Ring.create(res), methods);
  }

  /** The binding of {@code component}'s client grant {@code env}. */
  public ServiceBinding client(String component, String env) {
    ServiceBinding b = bindings.get(component + "/" + env);
    if (b == null) {
      throw new IllegalStateException("no service grant " + component + "/" + env);
    }
    return b;
  }

  /** The serving end of component-provided service {@code name}. */
  public ServedService served(String name) {
    return served.get(name);
  }

  /** Whether Java code serves any client (it can wake a component at any time: never a deadlock). */
  public boolean javaServing() {
    return !pumps.isEmpty();
  }

  /**
   * An instance of {@code component} ended: its pending calls to Java services are cancelled, and
   * if it served a service, the rings of that service's clients are marked gone on the server's
   * side, so their pending calls fail with {@code channel.broken} (a restarted server reopens
   * them when it binds its serving end).
   */
  public void released(String component) {
    for (ServicePump p : pumps.getOrDefault(component, List.of())) {
      p.cancelAll();
    }
    if (manifest == null) {
      return;
    }
    for (ServiceSpec s : manifest.services()) {
      if (s.provider().isPresent() && s.provider().get().equals(component)) {
        for (ServiceBinding b : served.get(s.name()).bindings()) {
          b.requests().markReaderGone();
          // An END record after the dead server's last answer: its client fails every call still
          // pending when it reads it, even if a restarted server reopened the ring before the
          // client looked at the ring's state (the END stays in the ring; the state word does not).
          // The server's writer is gone with its isolate, so this is the ring's only writer now.
          if (!Ring.attach(b.responses().region()).writer().close(END_WAIT)) {
            b.responses().markWriterGone(); // no room: the state word is all the client gets
          }
          b.responses().wakeReader();
        }
      }
    }
  }

  /** The names of the Java services this host serves. */
  public Set<String> javaServices() {
    return options.services().keySet();
  }

  /** Stops the pumps and timers. Call once every component has ended; then {@link #releaseMemory}. */
  @Override
  public void close() {
    for (List<ServicePump> list : pumps.values()) {
      for (ServicePump p : list) {
        p.close();
      }
    }
    timer.shutdownNow();
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }

  /** Releases every ring; after {@link #close} and once no isolate holds a view of them. */
  public void releaseMemory() {
    for (Region r : memory) {
      r.close();
    }
    memory.clear();
  }
}
