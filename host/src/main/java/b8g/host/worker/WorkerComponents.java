package b8g.host.worker;

import b8g.capabilities.Capability;
import b8g.capabilities.Right;
import b8g.components.Component;
import b8g.components.Limits;
import b8g.components.ScriptModule;
import b8g.host.worker.wire.ChannelEnd;
import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Grant;
import b8g.host.worker.wire.Memory;
import b8g.host.worker.wire.ModuleFile;
import b8g.host.worker.wire.Revoke;
import b8g.host.worker.wire.StartComponent;
import b8g.host.worker.wire.Terminate;
import b8g.memory.Region;
import b8g.components.ServedService;
import b8g.components.ServiceBinding;
import b8g.host.worker.wire.ServiceEnd;
import b8g.host.worker.wire.ServiceRings;
import b8g.memory.Ring;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Components that run in one worker process, as the host sees them. The host grants each exactly
 * its env: regions and channel ends as the host's own shared memory (the worker maps it through
 * the host's descriptor; nothing else is mapped there), the log capability, plain values. It keeps
 * every root: revoking one reaches the worker ({@code Revoke}).
 *
 * <p>Wake-ups cross in both directions, and only for a peer that set its waiting flag: the host
 * points the ring's hook for an end the worker holds at the worker ({@code Wake}), and a
 * {@code Wake} from the worker runs the host's hook of the other end (a component here, a Java end,
 * or another worker).
 *
 * <p>A thread reads the worker's frames. A frame about a component or memory this host did not
 * give this worker, or any garbage, ends the worker. When the worker dies (kill -9, a V8 fatal
 * error, an out-of-memory kill) every component it ran ends as FAILED with the reason: the exit
 * code or signal and the last lines of the worker's stderr. The host and other workers go on.
 */
public final class WorkerComponents implements AutoCloseable {
  private final WorkerProcess worker;
  private final Map<String, RemoteComponent> running = new ConcurrentHashMap<>();
  /** The memory granted on this link, by identity, and its id there. Guarded by itself. */
  private final Map<Region, Integer> memoryIds = new IdentityHashMap<>();
  /** The rings granted on this link, by id. */
  private final Map<Integer, Ring> rings = new ConcurrentHashMap<>();
  /** What the host sends this worker, by a thread of its own: no caller blocks on the worker. */
  private final WorkerOutbox outbox;
  private volatile boolean closing;
  private volatile boolean ended;
  /** Why the host ended the worker itself (it stopped reading), or null. */
  private volatile String endedBecause;

  public WorkerComponents(WorkerProcess worker) {
    this.worker = worker;
    this.outbox = new WorkerOutbox(worker.link(), Long.toString(worker.pid()), this::stalled);
    Thread reader = new Thread(this::read, "b8g-worker-" + worker.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a component in the worker with {@code env}: region, channel-end and log capabilities
   * and plain values (a component in a worker can hold nothing else). Its start and end arrive
   * through the returned handle and {@code listener}.
   *
   * @throws WorkerException {@code worker.name} for a name already running there,
   *     {@code worker.grant} for a capability that cannot cross to a worker,
   *     {@code worker.oversized} for a start over one frame (1 MiB), {@code worker.gone} when
   *     the worker has ended
   */
  public RemoteComponent start(String name, String script, String scriptName, Limits limits,
      List<Component.EnvEntry> env, RemoteComponent.Listener listener) {
    return start(name, script, scriptName, List.of(), limits, env, listener);
  }

  /**
   * As {@link #start(String, String, String, Limits, List, RemoteComponent.Listener)}, for a
   * component made of {@code modules} (its graph, entry point first, as the host read it; empty
   * for a classic script): one ModuleFile frame each, before the start.
   */
  public RemoteComponent start(String name, String script, String scriptName, List<ScriptModule> modules, Limits limits,
      List<Component.EnvEntry> env, RemoteComponent.Listener listener) {
    return start(name, script, scriptName, modules, limits, env, null, listener);
  }

  /**
   * As above, and the component stores its figures at turn ends into the first 64 bytes of
   * {@code counters} (a {@link Region#shared} region of the host, line 0 of a {@link
   * b8g.memory.counters.CounterType#COMPONENT} block), or nowhere when null.
   */
  public RemoteComponent start(String name, String script, String scriptName, List<ScriptModule> modules, Limits limits,
      List<Component.EnvEntry> env, Region counters, RemoteComponent.Listener listener) {
    if (ended) {
      throw new WorkerException("worker.gone", "worker " + worker.pid() + " has ended");
    }
    RemoteComponent c = new RemoteComponent(name, this, listener);
    if (running.putIfAbsent(name, c) != null) {
      throw new WorkerException("worker.name", "a component named " + name + " runs in worker " + worker.pid() + " already");
    }
    try {
      // Every frame built and size-checked before the first is sent: a refused start leaves no
      // partial module list in the worker.
      List<Frame.Builder> frames = new java.util.ArrayList<>();
      for (ScriptModule m : modules) {
        ModuleFile.Builder mf = ModuleFile.newBuilder().setComponent(name).setName(m.name()).setCode(m.code()).putAllRequires(m.requires());
        if (m.lines() != null) {
          for (int l : m.lines()) {
            mf.addLines(l);
          }
        }
        Frame.Builder f = Frame.newBuilder().setModuleFile(mf);
        FrameChannel.requireFits(f, "worker " + worker.pid());
        frames.add(f);
      }
      StartComponent.Builder start = StartComponent.newBuilder().setName(name)
          .setScript(script).setScriptName(scriptName).setHeapBytes(limits.heapBytes())
          .setCpuMsPerTurn(limits.cpuMillisPerTurn()).setModules(modules.size());
      for (Component.EnvEntry e : env) {
        start.addGrants(grant(name, e));
      }
      if (counters != null) {
        start.setCounters(memory(counters, null));
      }
      Frame.Builder f = Frame.newBuilder().setStartComponent(start);
      FrameChannel.requireFits(f, "worker " + worker.pid());
      frames.add(f);
      for (Frame.Builder frame : frames) {
        outbox.send(frame);
      }
    } catch (RuntimeException e) {
      running.remove(name, c); // it never started
      throw e;
    }
    if (ended && running.remove(name, c)) {
      // The worker died while this start was on its way, after its components were failed.
      c.end(new Component.ExitStatus(Component.Outcome.FAILED, 1, "worker " + worker.pid() + " ended (" + worker.exitReason() + ")"));
    }
    return c;
  }

  private Grant grant(String component, Component.EnvEntry e) {
    Grant.Builder g = Grant.newBuilder().setEnv(e.name());
    if (e.capability() == null) {
      return g.setValue(e.value()).build();
    }
    Capability cap = e.capability();
    g.setRights(Right.mask(cap.rights()));
    switch (cap.kind()) {
      case REGION -> g.setRegion(memory(cap.target(Region.class), null));
      case CHANNEL_READER, CHANNEL_WRITER -> {
        boolean writer = cap.kind() == Capability.Kind.CHANNEL_WRITER;
        Ring ring = cap.target(Ring.class);
        Memory m = memory(ring.region(), ring);
        // The host's hook of the end the worker holds now points at the worker.
        int id = m.getId();
        if (writer) {
          ring.onWritable(() -> sendWake(id, false));
        } else {
          ring.onReadable(() -> sendWake(id, true));
        }
        g.setChannel(ChannelEnd.newBuilder().setMemory(m).setWriter(writer));
      }
      case LOG -> g.setLog(true);
      case SERVICE -> g.setService(ServiceEnd.newBuilder().setName(e.name()).setServe(false)
          .addBindings(serviceRings(cap.target(ServiceBinding.class), true)));
      case SERVE -> {
        ServedService served = cap.target(ServedService.class);
        ServiceEnd.Builder se = ServiceEnd.newBuilder().setName(served.name()).setServe(true);
        for (ServiceBinding b : served.bindings()) {
          se.addBindings(serviceRings(b, false));
        }
        g.setService(se);
      }
      default -> throw new WorkerException("worker.grant", component + ": env." + e.name() + " is a "
          + cap.kind().name().toLowerCase(java.util.Locale.ROOT) + " capability, which a component in a worker process cannot hold");
    }
    cap.onRevoke(() -> send(Frame.newBuilder().setRevoke(Revoke.newBuilder().setComponent(component).setEnv(e.name()))));
    return g.build();
  }

  /**
   * A binding's rings for the worker; the host's hooks of the ends the worker holds now point at
   * it (a client writes requests and reads responses, a server the other way round).
   */
  private ServiceRings serviceRings(ServiceBinding b, boolean client) {
    Memory req = memory(b.requests().region(), b.requests());
    Memory res = memory(b.responses().region(), b.responses());
    int reqId = req.getId();
    int resId = res.getId();
    if (client) {
      b.requests().onWritable(() -> sendWake(reqId, false));
      b.responses().onReadable(() -> sendWake(resId, true));
    } else {
      b.requests().onReadable(() -> sendWake(reqId, true));
      b.responses().onWritable(() -> sendWake(resId, false));
    }
    return ServiceRings.newBuilder().setRequests(req).setResponses(res).addAllMethods(b.methods()).build();
  }

  private Memory memory(Region region, Ring ring) {
    int id;
    synchronized (memoryIds) {
      id = memoryIds.computeIfAbsent(region, r -> memoryIds.size() + 1);
    }
    if (ring != null) {
      rings.put(id, ring);
    }
    return Memory.newBuilder().setId(id).setName(region.name()).setPeerPath(region.peerPath().toString())
        .setSize(region.size()).build();
  }

  private void sendWake(int id, boolean reader) {
    outbox.wake(id, reader);
  }

  private void send(Frame.Builder f) {
    if (!ended) {
      outbox.send(f);
    }
  }

  /** The worker stopped reading its link: it is ended, and its components fail with why. */
  private void stalled(String why) {
    endedBecause = why;
    worker.process().destroyForcibly();
    try {
      worker.link().close(); // a write blocked on it returns
    } catch (IOException e) {
      // closed already
    }
  }

  /** Asks the worker to end {@code name}. */
  void terminate(String name, String reason) {
    send(Frame.newBuilder().setTerminate(Terminate.newBuilder().setComponent(name).setReason(reason)));
  }

  public WorkerProcess worker() {
    return worker;
  }

  /** False once the worker has ended or its link failed: nothing more can start there. */
  public boolean alive() {
    return !ended && worker.process().isAlive();
  }

  /** Components running there now. */
  public int running() {
    return running.size();
  }

  private void read() {
    String why;
    try {
      while (true) {
        Frame f = worker.link().receive();
        switch (f.getBodyCase()) {
          case LOG -> {
            RemoteComponent c = known(f.getLog().getComponent());
            c.listener.log(c, f.getLog().getLevel(), f.getLog().getText());
          }
          case STARTED -> known(f.getStarted().getComponent()).started();
          case WAKE -> {
            Ring ring = rings.get(f.getWake().getMemory());
            if (ring == null) {
              throw new WorkerException("worker.forged", "worker " + worker.pid() + " woke memory " + f.getWake().getMemory()
                  + ", which this host did not grant there as a channel");
            }
            if (f.getWake().getReader()) {
              ring.wakeReader();
            } else {
              ring.wakeWriter();
            }
          }
          case EXITED -> {
            var e = f.getExited();
            RemoteComponent c = known(e.getComponent());
            Component.Outcome outcome;
            try {
              outcome = Component.Outcome.valueOf(e.getOutcome());
            } catch (IllegalArgumentException x) {
              throw new WorkerException("worker.garbage", "worker " + worker.pid() + " reported an end of kind " + e.getOutcome());
            }
            running.remove(e.getComponent(), c);
            c.end(new Component.ExitStatus(outcome, e.getCode(), e.getReason()));
          }
          default -> { } // pongs and what a worker may add later
        }
      }
    } catch (EOFException e) {
      why = "the worker closed its link";
    } catch (WorkerException e) {
      why = e.code() + ": " + e.getMessage(); // worker.forged, worker.garbage, worker.order, worker.oversized
      worker.process().destroyForcibly(); // a worker that broke the protocol is not trusted on
    } catch (IOException e) {
      why = closing ? "the worker was closed" : "the link failed: " + e.getMessage();
    }
    ended = true;
    if (endedBecause != null) {
      why = endedBecause;
    }
    try {
      worker.process().waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String reason = "worker " + worker.pid() + " ended (" + worker.exitReason() + "; " + why + ")";
    for (RemoteComponent c : running.values()) {
      running.remove(c.name(), c);
      c.end(new Component.ExitStatus(Component.Outcome.FAILED, 1, reason));
    }
  }

  private RemoteComponent known(String name) throws WorkerException {
    RemoteComponent c = running.get(name);
    if (c == null) {
      throw new WorkerException("worker.forged", "worker " + worker.pid() + " spoke for component \"" + name
          + "\", which this host does not run there");
    }
    return c;
  }

  /** Sends what is queued (2 s at most), then says goodbye and ends the worker. Never blocks for longer on a worker. */
  @Override
  public void close() {
    closing = true;
    try {
      if (!outbox.close(Duration.ofSeconds(2))) {
        worker.link().close(); // a worker that does not read gets no goodbye
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // closed already
    }
    worker.close();
  }
}
