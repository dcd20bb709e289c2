package b8g.host.worker;

import b8g.capabilities.Capability;
import b8g.components.Component;
import b8g.components.HostServices;
import b8g.host.worker.wire.Exited;
import b8g.host.worker.wire.Frame;
import b8g.host.worker.wire.Log;
import b8g.host.worker.wire.StartComponent;
import b8g.host.worker.wire.Terminate;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's side as a worker sees it: runs the components the host starts in this worker, in
 * isolates of this process, and reports their console lines and their ends over the link. A
 * component here holds only what the host granted in its {@code StartComponent}.
 */
final class WorkerHost {
  private final FrameChannel link;
  private final Map<String, Component> running = new ConcurrentHashMap<>();

  WorkerHost(FrameChannel link) {
    this.link = link;
  }

  void start(StartComponent s) {
    Component.Context ctx = new Component.Context().name(s.getName()).script(s.getScript(), s.getScriptName())
        .heapBytes(s.getHeapBytes()).cpuMillisPerTurn(s.getCpuMsPerTurn())
        .services(new Proxy()).listener(this::exited);
    if (s.getLog()) {
      ctx.grant(Component.EnvEntry.of("log", Capability.root(Capability.Kind.LOG, null, EnumSet.noneOf(b8g.capabilities.Right.class))));
    }
    try {
      running.put(s.getName(), Component.start(ctx));
    } catch (RuntimeException e) {
      send(Frame.newBuilder().setExited(Exited.newBuilder().setComponent(s.getName())
          .setOutcome(Component.Outcome.FAILED.name()).setCode(1).setReason("could not start: " + e.getMessage())));
    }
  }

  void terminate(Terminate t) {
    Component c = running.get(t.getComponent());
    if (c != null) {
      c.terminate(t.getReason());
    }
  }

  void terminateAll(String reason) {
    running.values().forEach(c -> c.terminate(reason));
  }

  private void exited(Component c, Component.ExitStatus status) {
    running.remove(c.name(), c);
    send(Frame.newBuilder().setExited(Exited.newBuilder().setComponent(c.name())
        .setOutcome(status.outcome().name()).setCode(status.code()).setReason(status.reason())));
  }

  private void send(Frame.Builder f) {
    try {
      link.send(f);
    } catch (IOException e) {
      // The host is gone; the worker ends when its reader sees the end of the link.
    }
  }

  /** Host services as far as they cross yet: log. The rest fails as a missing capability. */
  private final class Proxy implements HostServices {
    @Override
    public void log(Component source, String level, String text) {
      send(Frame.newBuilder().setLog(Log.newBuilder().setComponent(source.name()).setLevel(level).setText(text)));
    }

    @Override
    public long run(Component parent, Capability run, String script, Map<String, Capability> grants, Map<String, String> values) {
      return HostServices.NONE.run(parent, run, script, grants, values);
    }

    @Override
    public void terminateChild(Component parent, long childId) {
      HostServices.NONE.terminateChild(parent, childId);
    }

    @Override
    public long watchPath(Component source, Capability watch, String path) {
      return HostServices.NONE.watchPath(source, watch, path);
    }

    @Override
    public void unwatch(Component source, long watchId) {
      HostServices.NONE.unwatch(source, watchId);
    }

    @Override
    public void export(Component source, String name, Capability cap) {
      HostServices.NONE.export(source, name, cap);
    }

    @Override
    public Map<String, Capability> link(Component source, String secret) {
      return HostServices.NONE.link(source, secret);
    }
  }
}
