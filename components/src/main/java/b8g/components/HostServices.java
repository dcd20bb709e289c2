package b8g.components;

import b8g.capabilities.Capability;
import java.util.List;
import java.util.Map;

/**
 * What a component may ask of its host beyond its own handles. The component layer has already
 * checked that the caller holds the capability it passes (kind and slot); the host decides the rest
 * (which scripts, which paths, which secrets). Methods run on the calling component's thread and
 * must not block for long. Failures are {@link b8g.errors.B8gException}s and reach JS as errors.
 */
public interface HostServices {
  /** A line from {@code console}, only ever called for a component holding a log capability. */
  void log(Component source, String level, String text);

  /**
   * Starts a child from {@code script} (relative to the manifest) with {@code grants}: capabilities
   * the parent holds, already derived or moved for the child, and plain string {@code values}
   * (arguments, no authority). Returns the child's id.
   */
  long run(Component parent, Capability run, String script, Map<String, Capability> grants, Map<String, String> values);

  /** Terminates a child of {@code parent}; unknown ids are an error. */
  void terminateChild(Component parent, long childId);

  /** Starts watching a file or directory the watch capability allows; returns the watch id. */
  long watchPath(Component source, Capability watch, String path);

  /**
   * Starts watching a region the caller may read ({@code region} holds READ): "modified" events
   * when its bytes change. Returns the watch id.
   */
  default long watchRegion(Component source, Capability watch, Capability region) {
    throw new ComponentException("capability.unknown", "this host does not watch regions");
  }

  void unwatch(Component source, long watchId);

  /** Offers {@code cap} under {@code name} to whoever links with this component's secret. */
  void export(Component source, String name, Capability cap);

  /** The capabilities exported by the context whose secret is {@code secret}, derived for the caller. */
  Map<String, Capability> link(Component source, String secret);

  /**
   * Takes a snapshot of {@code source} into the image file {@code path} (the snapshot capability
   * decides which paths are allowed) after the current turn, then calls
   * {@link Component#snapshotDone} with {@code requestId}. Must not pause {@code source} on the
   * calling thread (that is the component's own, inside a turn).
   */
  default void snapshot(Component source, Capability snapshot, String path, long requestId) {
    throw new ComponentException("capability.unknown", "this host does not take snapshots");
  }

  /** Open flag: a reader end of the file. */
  int OPEN_READ = 1;
  /** Open flag: a writer end, writing from the start of the file (over what is there). */
  int OPEN_WRITE = 2;
  /** Open flag: a writer end appending to the file. */
  int OPEN_APPEND = 4;
  /** Open flag: create the file when it does not exist. */
  int OPEN_CREATE = 8;
  /** Open flag: truncate the file to 0 bytes first (with OPEN_WRITE). */
  int OPEN_TRUNCATE = 16;
  /** Open flag: create the file, failing if it exists. */
  int OPEN_CREATE_NEW = 32;

  /**
   * Opens {@code path} (relative to the directory of {@code directory}) with {@code OPEN_*} flags,
   * asynchronously: returns at once, and later calls {@link Component#settle} with {@code
   * requestId} and the channel ends (a reader under {@code "reader"}, a writer under {@code
   * "writer"}) or an error. Served in process only: a host whose components run elsewhere refuses
   * with {@code capability.isolation}.
   */
  default void open(Component source, Capability directory, String path, int flags, long requestId) {
    throw new ComponentException("capability.isolation", "files are opened in the host process only; this component "
        + "runs where its host cannot open them");
  }

  /**
   * Connects to {@code host}:{@code port} as the NET capability {@code net} allows, off the
   * calling thread; answers with {@link Component#settle}: a reader and a writer end, then the
   * remote and local addresses.
   */
  default void netConnect(Component source, Capability net, String host, int port, long requestId) {
    throw new ComponentException("capability.unknown", "this host does not serve network capabilities");
  }

  /** Listens on {@code host}:{@code port}; answers with a listener id and the bound address and port. */
  default void netListen(Component source, Capability net, String host, int port, long requestId) {
    throw new ComponentException("capability.unknown", "this host does not serve network capabilities");
  }

  /** The next connection of listener {@code listenerId}: a reader and a writer end, then the remote address. */
  default void netAccept(Component source, Capability net, long listenerId, long requestId) {
    throw new ComponentException("capability.unknown", "this host does not serve network capabilities");
  }

  /** Closes listener {@code listenerId}; its pending accepts fail. */
  default void netClose(Component source, Capability net, long listenerId) {
    throw new ComponentException("capability.unknown", "this host does not serve network capabilities");
  }

  /** Gives up pending request {@code requestId} (its sockets close); unknown or settled ids are ignored. */
  default void netCancel(Component source, Capability net, long requestId) {
    // Nothing is pending on a host that serves no network capabilities.
  }

  /**
   * An HTTP request ({@code headers}: name, value pairs; {@code redirect}: follow, manual or
   * error; {@code body} owned by the callee);
   * answers with the body's reader end, then status, status text, header pairs (as fields), the
   * final URL and whether a redirect was followed.
   */
  default void fetch(Component source, Capability net, long requestId, String method, String url, List<String> headers,
      String redirect, byte[] body) {
    throw new ComponentException("capability.unknown", "this host does not serve network capabilities");
  }

  /** A host with none of these services: every request fails as a missing capability. */
  HostServices NONE = new HostServices() {
    @Override
    public void log(Component source, String level, String text) {}

    @Override
    public long run(Component parent, Capability run, String script, Map<String, Capability> grants, Map<String, String> values) {
      throw new ComponentException("capability.unknown", "this host does not start children");
    }

    @Override
    public void terminateChild(Component parent, long childId) {
      throw new ComponentException("capability.unknown", "no such child");
    }

    @Override
    public long watchPath(Component source, Capability watch, String path) {
      throw new ComponentException("capability.unknown", "this host does not watch files");
    }

    @Override
    public void unwatch(Component source, long watchId) {}

    @Override
    public void export(Component source, String name, Capability cap) {
      throw new ComponentException("capability.unknown", "this host does not link components");
    }

    @Override
    public Map<String, Capability> link(Component source, String secret) {
      throw new ComponentException("link.refused", "link refused: the secret does not open any context");
    }
  };
}
