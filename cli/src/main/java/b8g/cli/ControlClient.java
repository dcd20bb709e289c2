package b8g.cli;

import b8g.errors.B8gException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The client side of {@link ControlServer}: finds this user's host and sends one request. */
final class ControlClient {
  static final int MAX_REPLY = 64 * 1024;

  private ControlClient() {}

  /**
   * The socket of host {@code pid}, or, when {@code pid} is null, of the one host of this user
   * that runs.
   *
   * @throws B8gException (usage) when there is no such host, none, or more than one
   */
  static Path socketFor(Path dir, Long pid) {
    Path checked = ControlSocket.directory(dir, false);
    List<Long> live = ControlSocket.liveHosts(checked);
    if (pid != null) {
      Path s = ControlSocket.socketOf(checked, pid);
      if (!live.contains(pid) || !Files.exists(s)) {
        throw new B8gException(B8gException.Category.USAGE, "control.host", "no b8g host with pid " + pid
            + " runs for this user" + (live.isEmpty() ? "" : " (running: " + pids(live) + ")"));
      }
      return s;
    }
    if (live.isEmpty()) {
      throw new B8gException(B8gException.Category.USAGE, "control.host", "no b8g host of this user is running (no socket in " + checked + ")");
    }
    if (live.size() > 1) {
      throw new B8gException(B8gException.Category.USAGE, "control.host", live.size() + " b8g hosts of this user are running (pids "
          + pids(live) + "); choose one with --host PID");
    }
    return ControlSocket.socketOf(checked, live.get(0));
  }

  private static String pids(List<Long> pids) {
    return pids.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  /**
   * Sends {@code request} and returns the reply of a successful one.
   *
   * @throws B8gException the host's error, with its category and code; or I/O ({@code control.io})
   */
  static JsonObject call(Path socket, Map<String, Object> request) {
    JsonObject reply;
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer out = ByteBuffer.wrap(ControlRequest.encode(request).getBytes(StandardCharsets.UTF_8));
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ch.shutdownOutput();
      ByteBuffer in = ByteBuffer.allocate(MAX_REPLY);
      while (in.hasRemaining() && ch.read(in) >= 0) {
        // until the host closes
      }
      String text = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).trim();
      JsonElement e = JsonParser.parseString(text);
      if (!e.isJsonObject() || !e.getAsJsonObject().has("ok")) {
        throw new B8gException(B8gException.Category.IO, "control.io", "the host at " + socket + " gave no valid reply");
      }
      reply = e.getAsJsonObject();
    } catch (IOException | com.google.gson.JsonParseException e) {
      throw new B8gException(B8gException.Category.IO, "control.io", "cannot talk to the host at " + socket + ": " + e.getMessage(), e);
    }
    if (!reply.get("ok").getAsBoolean()) {
      B8gException.Category category;
      try {
        category = B8gException.Category.valueOf(reply.get("category").getAsString());
      } catch (RuntimeException e) {
        category = B8gException.Category.INTERNAL;
      }
      String code = reply.has("code") ? reply.get("code").getAsString() : "control.error";
      String message = reply.has("message") ? reply.get("message").getAsString() : "the host refused the request";
      throw new B8gException(category, code, "host " + socket.getFileName().toString().replace(".sock", "") + ": " + message);
    }
    return reply;
  }
}
