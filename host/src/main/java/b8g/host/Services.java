package b8g.host;

import b8g.capabilities.Capability;
import b8g.components.Component;
import b8g.components.HostServices;
import b8g.host.net.NetService;
import java.util.List;
import java.util.Map;

/**
 * The host capabilities as the component layer calls them ({@link HostServices}): only delegates,
 * to the console sink, the children, the watches, the snapshot service, the links, the io grants
 * and the network.
 */
final class Services implements HostServices {
  private final ConsoleSink console;
  private final Children children;
  private final Watches watches;
  private final SnapshotService snapshots;
  private final Links links;
  private final IoGrants io;
  private final NetService net;

  Services(ConsoleSink console, Children children, Watches watches, SnapshotService snapshots, Links links, IoGrants io,
      NetService net) {
    this.io = io;
    this.console = console;
    this.children = children;
    this.watches = watches;
    this.snapshots = snapshots;
    this.links = links;
    this.net = net;
  }

  @Override
  public void log(Component source, String level, String text) {
    console.log(source, source.name(), level, text);
  }

  @Override
  public long run(Component parent, Capability run, String script, Map<String, Capability> grants, Map<String, String> values) {
    return children.run(parent, run, script, grants, values);
  }

  @Override
  public void open(Component source, Capability directory, String path, int flags, long requestId) {
    io.open(source, directory, path, flags, requestId);
  }

  @Override
  public void terminateChild(Component parent, long childId) {
    children.terminate(parent, childId);
  }

  @Override
  public long watchPath(Component source, Capability watch, String path) {
    return watches.watchPath(source, watch, path);
  }

  @Override
  public void unwatch(Component source, long watchId) {
    watches.unwatch(source, watchId);
  }

  @Override
  public long watchRegion(Component source, Capability watch, Capability region) {
    return watches.watchRegion(source, region);
  }

  @Override
  public void snapshot(Component source, Capability snapshot, String path, long requestId) {
    snapshots.snapshot(source, snapshot, path, requestId);
  }

  @Override
  public void export(Component source, String name, Capability cap) {
    links.export(source, name, cap);
  }

  @Override
  public Map<String, Capability> link(Component source, String secret) {
    return links.link(source, secret);
  }

  @Override
  public void netConnect(Component source, Capability cap, String host, int port, long requestId) {
    net.connect(source, cap, host, port, requestId);
  }

  @Override
  public void netListen(Component source, Capability cap, String host, int port, long requestId) {
    net.listen(source, cap, host, port, requestId);
  }

  @Override
  public void netAccept(Component source, Capability cap, long listenerId, long requestId) {
    net.accept(source, cap, listenerId, requestId);
  }

  @Override
  public void netClose(Component source, Capability cap, long id) {
    net.close(source, id);
  }

  @Override
  public void netCancel(Component source, Capability cap, long requestId) {
    net.cancel(source, requestId);
  }

  @Override
  public void fetch(Component source, Capability cap, long requestId, String method, String url, List<String> headers,
      String redirect, byte[] body) {
    net.fetch(source, cap, requestId, method, url, headers, redirect, body);
  }
}
