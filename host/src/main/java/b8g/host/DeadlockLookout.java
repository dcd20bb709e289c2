package b8g.host;

import b8g.capabilities.Capability;
import b8g.capabilities.Capability.Kind;
import b8g.components.Component;
import b8g.host.net.NetService;
import b8g.components.ServiceBinding;
import b8g.host.services.ServiceHub;
import b8g.memory.Ring;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Looks for a deadlock every {@link #LOOK_MS} on the host's sampler: when no component can make
 * progress ({@link DeadlockDetector}) it ends every one, with a report of who waits on what,
 * instead of letting the host wait for ever; no restart follows. Anything outside the components
 * that could still wake one (a watch, a channel end held from Java, a snapshot being written)
 * means no deadlock. Runs on one thread.
 */
final class DeadlockLookout implements Runnable {
  /** How often the host looks; {@link DeadlockDetector#LOOKS} agreeing looks make a report. */
  static final int LOOK_MS = 250;

  private final DeadlockDetector detector = new DeadlockDetector();
  private final Supervisor supervisor;
  private final Children children;
  private final Watches watches;
  private final SnapshotService snapshots;
  /** A pending connect, accept or fetch, a listener or an open socket can wake a component. */
  private final NetService net;
  private final Resources resources;
  private final Events events;
  private final ServiceHub services;

  DeadlockLookout(Supervisor supervisor, Children children, Watches watches, SnapshotService snapshots,
      Resources resources, NetService net, ServiceHub services, Events events) {
    this.services = services;
    this.supervisor = supervisor;
    this.children = children;
    this.watches = watches;
    this.snapshots = snapshots;
    this.resources = resources;
    this.net = net;
    this.events = events;
  }

  @Override
  public void run() {
    if (supervisor.closing() || supervisor.deadlock() != null) {
      return;
    }
    List<Component> live = supervisor.live();
    live.addAll(children.live());
    boolean outside = watches.any() || snapshots.busy() || net.busy() || resources.anyJavaEnd() || supervisor.anyInWorker()
        || services.javaServing();
    String report;
    try {
      report = detector.look(live, outside, this::waitsOn);
    } catch (RuntimeException e) {
      return; // a look that failed (memory released under it at close) says nothing; look again
    }
    if (report == null) {
      return;
    }
    supervisor.deadlocked(report);
    List<Map<String, Object>> waits = new ArrayList<>();
    for (Component c : live) {
      waits.add(HostEvent.fields("component", c.name(), "waits_on", waitsOn(c)));
    }
    events.emit(HostEvent.Kind.DEADLOCK, "host", report, HostEvent.fields("waits", waits));
    for (Component c : live) {
      c.terminate("deadlock: " + report);
    }
  }

  /** What a quiet component waits on, as far as its rings tell. */
  private List<String> waitsOn(Component c) {
    List<String> out = new ArrayList<>();
    for (Capability cap : c.table().snapshot()) {
      if (cap == null || cap.revoked()) {
        continue;
      }
      if (cap.kind() == Kind.CHANNEL_READER && cap.target(Ring.class).readerWaiting()) {
        out.add("read channel " + resources.nameOf(cap.target(Ring.class)) + " (empty)");
      } else if (cap.kind() == Kind.CHANNEL_WRITER && cap.target(Ring.class).writerWaiting()) {
        out.add("write channel " + resources.nameOf(cap.target(Ring.class)) + " (full)");
      } else if (cap.kind() == Kind.SERVICE && cap.target(ServiceBinding.class).responses().readerWaiting()) {
        out.add("an answer from a service");
      }
    }
    return out;
  }
}
