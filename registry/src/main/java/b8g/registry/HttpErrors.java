package b8g.registry;

import b8g.errors.Printable;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Error decoding: turns a registry's answer with an unexpected status into a {@link
 * RegistryException} whose code follows the status (401/403 unauthorized, 404 not found, 413 too
 * large, 5xx server error, anything else protocol) and whose message names the request, the status
 * and the registry's own error text (the distribution error format, else the body as plain text;
 * at most {@link #BODY_LIMIT} bytes of it are read, each part clipped).
 */
final class HttpErrors {
  /** The most of an error body (or of a body that is not needed) that is read. */
  static final int BODY_LIMIT = 64 * 1024;

  private HttpErrors() {}

  /**
   * Fails with the registry's own error text unless the status is {@code ok}; {@code
   * unauthorizedHint} is appended to a 401/403 (what to do about the credentials).
   */
  static void expect(HttpResponse<InputStream> r, String what, int ok, String unauthorizedHint) {
    if (r.statusCode() != ok) {
      throw failure(r.statusCode(), r.request().method() + " " + r.uri(), errorText(r), what, unauthorizedHint);
    }
  }

  /**
   * The error for status {@code s} of {@code request} ("METHOD uri"), with {@code detail} (from
   * {@link #errorText(byte[])}) and {@code unauthorizedHint} appended to a 401/403.
   */
  static RegistryException failure(int s, String request, String detail, String what, String unauthorizedHint) {
    String code;
    String hint = "";
    if (s == 401 || s == 403) {
      code = RegistryException.UNAUTHORIZED;
      hint = unauthorizedHint;
    } else if (s == 404) {
      code = RegistryException.NOT_FOUND;
    } else if (s == 413) {
      code = RegistryException.TOO_LARGE;
    } else if (s >= 500) {
      code = RegistryException.SERVER_ERROR;
      hint = "; the registry failed, try again later";
    } else {
      code = RegistryException.PROTOCOL;
    }
    return new RegistryException(code, what + ": " + request + " answered " + s
        + (detail.isEmpty() ? "" : " (" + detail + ")") + hint);
  }

  /** The distribution error format {@code {"errors":[{"code","message","detail"}]}} as one line. */
  static String errorText(HttpResponse<InputStream> r) {
    byte[] body;
    try (InputStream in = r.body()) {
      body = in.readNBytes(BODY_LIMIT);
    } catch (IOException e) {
      return "";
    }
    return errorText(body);
  }

  static String errorText(byte[] body) {
    if (body.length == 0) {
      return "";
    }
    try {
      JsonObject o = OciJson.parseObject(body, "error body");
      JsonElement errors = o.get("errors");
      if (errors != null && errors.isJsonArray()) {
        List<String> parts = new ArrayList<>();
        for (JsonElement e : (JsonArray) errors) {
          if (!e.isJsonObject()) {
            continue;
          }
          JsonObject eo = e.getAsJsonObject();
          StringBuilder s = new StringBuilder();
          if (eo.has("code") && eo.get("code").isJsonPrimitive()) {
            s.append(eo.get("code").getAsString());
          }
          if (eo.has("message") && eo.get("message").isJsonPrimitive()) {
            s.append(s.length() > 0 ? ": " : "").append(eo.get("message").getAsString());
          }
          if (eo.has("detail") && !eo.get("detail").isJsonNull()) {
            JsonElement d = eo.get("detail");
            s.append(" [").append(d.isJsonPrimitive() ? d.getAsString() : d.toString()).append("]");
          }
          parts.add(Printable.of(s.toString(), Printable.DEFAULT_MAX));
        }
        if (!parts.isEmpty()) {
          return String.join("; ", parts);
        }
      }
    } catch (RegistryException notJson) {
      // fall through: plain text
    }
    return Printable.of(new String(body, StandardCharsets.UTF_8).trim(), Printable.DEFAULT_MAX);
  }
}
