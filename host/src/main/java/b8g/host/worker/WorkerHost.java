package b8g.host.worker;

import b8g.capabilities.Capability;
import b8g.capabilities.Right;
import b8g.components.Component;
import b8g.components.ComponentException;
import b8g.components.ConsoleRate;
import b8g.components.HostServices;
import b8g.components.ScriptModule;
import b8g.host.worker.wire.Exited;
import b8g.host.worker.wire.Frame;
import b8g.components.ServedService;
import b8g.components.ServiceBinding;
import b8g.host.worker.wire.Grant;
import b8g.host.worker.wire.ServiceEnd;
import b8g.host.worker.wire.ServiceRings;
import b8g.host.worker.wire.Log;
import b8g.host.worker.wire.ModuleFile;
import b8g.host.worker.wire.Revoke;
import b8g.host.worker.wire.StartComponent;
import b8g.host.worker.wire.Started;
import b8g.host.worker.wire.Terminate;
import b8g.host.worker.wire.Wake;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host's side as a worker sees it: runs the components the host starts in this worker, in
 * isolates of this process, with exactly the grants of their {@code StartComponent}: shared memory
 * the host created (mapped here once per memory, see {@link WorkerMemory}), the log capability and
 * plain values. It reports console lines, starts and ends over the link, and carries wake-ups of
 * channel ends across: a local end that finds its peer waiting wakes it through the host.
 */
final class WorkerHost {
  /**
   * The most characters of a reason an Exited frame carries (as many as a console line keeps):
   * at most 3 bytes each in UTF-8, so the frame stays far below {@link FrameChannel#MAX_FRAME}. A
   * longer one (a component may throw an error of megabytes) would not fit in a frame, and the
   * host would never learn of the end.
   */
  static final int MAX_REASON = 64 << 10;

  private final FrameChannel link;
  private final WorkerMemory memory;
  private final Map<String, Component> running = new ConcurrentHashMap<>();
  /** Per running component: its roots by env name, for the host's Revoke. */
  private final Map<String, Map<String, Capability>> roots = new ConcurrentHashMap<>();
  /**
   * Console lines, starts and ends, in the order they happened, for the sender thread: a
   * component's lines always arrive before its end. Each component's lines are limited here as in
   * the host's JVM ({@link ConsoleRate}: the same lines pass, the same count of dropped ones is
   * told), and lines beyond {@link #QUEUED_LINES} waiting for the socket are dropped and counted
   * too; a start or an end is never dropped.
   */
  private final BlockingQueue<Frame.Builder> ordered = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedLines = new AtomicInteger();
  private final Map<String, ConsoleRate> rates = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
  static final int QUEUED_LINES = 2 * ConsoleRate.LINES_PER_SECOND;
  /**
   * The components whose Started has been queued (held weakly). A component's Started goes out at
   * most once, and always before its Exited: the host takes a frame about a component that has
   * ended there for a forged one. Guarded by itself.
   */
  private final Set<Component> announced = Collections.newSetFromMap(new WeakHashMap<>());
  private final ExecutorService starts = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "b8g-worker-started");
    t.setDaemon(true);
    return t;
  });

  /** Module files received for components not started yet, by component name (link thread only). */
  private final Map<String, List<ScriptModule>> modules = new HashMap<>();

  WorkerHost(FrameChannel link) {
    this.link = link;
    this.memory = new WorkerMemory((id, reader) -> send(Frame.newBuilder().setWake(Wake.newBuilder().setMemory(id).setReader(reader))));
    Thread sender = new Thread(this::sendOrdered, "b8g-worker-sender");
    sender.setDaemon(true);
    sender.start();
  }

  /** Sends console lines and ends in order; a dropped-lines note goes before a component's next line or its end. */
  private void sendOrdered() {
    try {
      while (true) {
        Frame.Builder f = ordered.take();
        String component = switch (f.getBodyCase()) {
          case LOG -> f.getLog().getComponent();
          case STARTED -> f.getStarted().getComponent();
          default -> f.getExited().getComponent();
        };
        if (f.hasLog()) {
          queuedLines.decrementAndGet();
        }
        AtomicLong d = dropped.get(component);
        long n = d == null ? 0 : d.getAndSet(0);
        if (n > 0) {
          send(Frame.newBuilder().setLog(Log.newBuilder().setComponent(component).setLevel("warn")
              .setText(ConsoleRate.droppedLine(n))));
        }
        send(f);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One file of a component's module graph, kept until its StartComponent arrives (link thread only). */
  void module(ModuleFile m) {
    int[] lines = m.getLinesCount() == 0 ? null : m.getLinesList().stream().mapToInt(Integer::intValue).toArray();
    modules.computeIfAbsent(m.getComponent(), k -> new ArrayList<>())
        .add(new ScriptModule(m.getName(), m.getCode(), m.getRequiresMap(), lines));
  }

  /** A service's client or serving end: its rings mapped once each, as channel rings are. */
  private Capability service(String component, Grant g) {
    ServiceEnd se = g.getService();
    if (!se.getServe() && se.getBindingsCount() != 1) {
      throw new WorkerException("worker.garbage", "service grant env." + g.getEnv() + " of " + component + " has "
          + se.getBindingsCount() + " bindings; a client has one");
    }
    List<ServiceBinding> bindings = new ArrayList<>();
    for (ServiceRings r : se.getBindingsList()) {
      boolean client = !se.getServe();
      bindings.add(new ServiceBinding(memory.ring(component, r.getRequests(), client), memory.ring(component, r.getResponses(), !client),
          r.getMethodsList()));
    }
    if (!se.getServe()) {
      return Capability.root(Capability.Kind.SERVICE, bindings.get(0), Right.fromMask(g.getRights()));
    }
    ServedService served = new ServedService(se.getName());
    bindings.forEach(served::add);
    return Capability.root(Capability.Kind.SERVE, served, Right.fromMask(g.getRights()));
  }

  void start(StartComponent s) {
    String name = s.getName();
    Map<String, Capability> held = new HashMap<>();
    List<ScriptModule> graph = modules.remove(name);
    Component.Context ctx = new Component.Context().name(name).script(s.getScript(), s.getScriptName())
        .heapBytes(s.getHeapBytes()).cpuMillisPerTurn(s.getCpuMsPerTurn())
        .services(new Proxy()).listener(this::exited);
    try {
      if (s.getModules() > 0) {
        if (graph == null || graph.size() != s.getModules()) {
          throw new WorkerException("worker.garbage", name + ": " + s.getModules() + " module files announced, "
              + (graph == null ? 0 : graph.size()) + " received");
        }
        ctx.modules(graph);
      }
      if (s.hasCounters()) {
        b8g.memory.Region block = memory.region(name, s.getCounters());
        if (block.size() < b8g.memory.counters.CountersDescriptor.VALUES_LENGTH) {
          throw new WorkerException("worker.garbage", name + ": a counters block of " + block.size() + " bytes");
        }
        ctx.counters(b8g.memory.counters.CounterBlock.at(block.byteBuffer(), 0));
      }
      for (Grant g : s.getGrantsList()) {
        if (g.getWhatCase() == Grant.WhatCase.VALUE) {
          ctx.grant(Component.EnvEntry.value(g.getEnv(), g.getValue()));
          continue;
        }
        Capability root = switch (g.getWhatCase()) {
          case REGION -> Capability.root(Capability.Kind.REGION, memory.region(name, g.getRegion()), Right.fromMask(g.getRights()));
          case CHANNEL -> Capability.root(g.getChannel().getWriter() ? Capability.Kind.CHANNEL_WRITER : Capability.Kind.CHANNEL_READER,
              memory.ring(name, g.getChannel().getMemory(), g.getChannel().getWriter()), Right.fromMask(g.getRights()));
          case LOG -> Capability.root(Capability.Kind.LOG, null, Right.fromMask(g.getRights()));
          case SERVICE -> service(name, g);
          default -> throw new WorkerException("worker.garbage", "grant env." + g.getEnv() + " of " + name + " grants nothing");
        };
        held.put(g.getEnv(), root);
        ctx.grant(Component.EnvEntry.of(g.getEnv(), root.derive()));
      }
      roots.put(name, held);
      Component c = Component.start(ctx);
      running.put(name, c);
      if (c.status() != null) {
        running.remove(name, c); // it ended already
      }
      starts.execute(() -> announceStart(c));
    } catch (RuntimeException e) {
      roots.remove(name);
      memory.release(name);
      ordered.add(Frame.newBuilder().setExited(Exited.newBuilder().setComponent(name)
          .setOutcome(Component.Outcome.FAILED.name()).setCode(1).setReason(capped("could not start: " + e.getMessage()))));
    }
  }

  private void announceStart(Component c) {
    try {
      if (c.awaitStarted(Duration.ofMinutes(10))) {
        announce(c);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends {@code c}'s Started unless it has been sent. Its end calls this before its Exited: a
   * component that ends at once may end before the thread that announces it runs.
   */
  private void announce(Component c) {
    synchronized (announced) {
      if (announced.add(c)) {
        ordered.add(Frame.newBuilder().setStarted(Started.newBuilder().setComponent(c.name())));
      }
    }
  }

  void terminate(Terminate t) {
    Component c = running.get(t.getComponent());
    if (c != null) {
      c.terminate(t.getReason());
    }
  }

  void revoke(Revoke r) {
    Map<String, Capability> held = roots.get(r.getComponent());
    Capability root = held == null ? null : held.get(r.getEnv());
    if (root != null) {
      root.revoke();
    }
  }

  void wake(Wake w) {
    memory.wake(w.getMemory(), w.getReader());
  }

  void terminateAll(String reason) {
    running.values().forEach(c -> c.terminate(reason));
  }

  private void exited(Component c, Component.ExitStatus status) {
    // The isolate is closed: no view of the component's memory is left, so it may be unmapped.
    // By name: it may end before start() has recorded it, and the host starts another instance
    // of the name only after this end has reached it.
    running.remove(c.name(), c);
    roots.remove(c.name());
    rates.remove(c.name());
    memory.release(c.name());
    announce(c); // as in the host's JVM, a component that ended has started (awaitStarted is true)
    ordered.add(Frame.newBuilder().setExited(Exited.newBuilder().setComponent(c.name())
        .setOutcome(status.outcome().name()).setCode(status.code()).setReason(capped(status.reason()))));
  }

  private static String capped(String reason) {
    return reason.length() <= MAX_REASON ? reason
        : reason.substring(0, MAX_REASON) + "... (" + (reason.length() - MAX_REASON) + " more characters)";
  }

  private void send(Frame.Builder f) {
    try {
      link.send(f);
    } catch (IOException e) {
      // The host is gone; the worker ends when its reader sees the end of the link.
    }
  }

  /**
   * Host services as far as they cross: log. The manifest grants a component in a worker no run,
   * watch or snapshot capability; export and link, which need none, are refused here.
   */
  private final class Proxy implements HostServices {
    @Override
    public void log(Component source, String level, String text) {
      long told = rates.computeIfAbsent(source.name(), k -> new ConsoleRate()).admit();
      if (told < 0) {
        return;
      }
      if (told > 0) {
        dropped.computeIfAbsent(source.name(), k -> new AtomicLong()).addAndGet(told);
      }
      if (queuedLines.incrementAndGet() > QUEUED_LINES) {
        queuedLines.decrementAndGet();
        dropped.computeIfAbsent(source.name(), k -> new AtomicLong()).incrementAndGet();
        return;
      }
      ordered.add(Frame.newBuilder().setLog(Log.newBuilder().setComponent(source.name()).setLevel(level).setText(text)));
    }

    @Override
    public long run(Component parent, Capability run, String script, Map<String, Capability> grants, Map<String, String> values) {
      throw notHere("run");
    }

    @Override
    public void terminateChild(Component parent, long childId) {
      throw notHere("run");
    }

    @Override
    public long watchPath(Component source, Capability watch, String path) {
      throw notHere("watch");
    }

    @Override
    public void unwatch(Component source, long watchId) {
      throw notHere("watch");
    }

    @Override
    public void export(Component source, String name, Capability cap) {
      throw notHere("export");
    }

    @Override
    public Map<String, Capability> link(Component source, String secret) {
      throw notHere("link");
    }

    @Override
    public void netConnect(Component source, Capability net, String host, int port, long requestId) {
      throw notHere("net.connect");
    }

    @Override
    public void netListen(Component source, Capability net, String host, int port, long requestId) {
      throw notHere("net.listen");
    }

    @Override
    public void netAccept(Component source, Capability net, long listenerId, long requestId) {
      throw notHere("net.listen");
    }

    @Override
    public void netClose(Component source, Capability net, long listenerId) {
      throw notHere("net.listen");
    }

    @Override
    public void fetch(Component source, Capability net, long requestId, String method, String url,
        List<String> headers, String redirect, byte[] body) {
      throw notHere("net.fetch");
    }

    private ComponentException notHere(String what) {
      return new ComponentException("capability.isolation", what + " is not available to a component in a worker"
          + " process yet; run the component in process (isolation: IN_PROCESS) to use it");
    }
  }
}
