package b8g.components;

import b8g.memory.Ring;
import java.util.List;

/**
 * One client's connection to a service: two rings in the host's memory, requests from the client
 * to the server and responses back, and the methods the client may call. The target of a {@code
 * SERVICE} capability (the client's end) and one entry of a {@link ServedService} (the server's).
 *
 * <p>The wire format on both rings is {@code service-values.js}' (and the host's {@code
 * b8g.host.services.ServiceWire}): a request is {@code u32 call id, u8 method length, method
 * (UTF-8), value (the arguments as an array)}; a response is {@code u32 call id, u8 status (0 ok,
 * 1 error), value (the result, or [code, message])}. Both sides check every byte.
 *
 * @param requests client writes, server reads
 * @param responses server writes, client reads
 * @param methods the methods the client may call; empty means every method of the service
 */
public record ServiceBinding(Ring requests, Ring responses, List<String> methods) {
  /** Ring capacity of a binding's two rings: 1 MiB each, so a message may hold up to 512 KiB - 8. */
  public static final int RING_CAPACITY = 1 << 20;

  public ServiceBinding {
    methods = List.copyOf(methods);
  }

  /** Whether a client of this binding may call {@code method}. */
  public boolean allows(String method) {
    return methods.isEmpty() || methods.contains(method);
  }

  /**
   * The ring a protocol {@code part} names: binding {@code part / 2}'s requests (even) or
   * responses (odd). A client has one binding, so its parts are 0 and 1.
   */
  static int binding(int part) {
    return part >>> 1;
  }

  /** The ring of {@code part} in this binding (see {@link #binding}). */
  Ring part(int part) {
    return (part & 1) == 0 ? requests : responses;
  }
}
