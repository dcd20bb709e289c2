package b8g.registry;

import b8g.errors.Printable;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Authentication to one registry host: answers a {@code WWW-Authenticate} challenge with HTTP
 * Basic (the stored login) or a Bearer token fetched from the challenge's realm (https only unless
 * insecure; the login, if any, sent as Basic), and keeps the resulting {@code Authorization} value
 * for later requests. Thread-safe (the cached value is volatile; a request retried after a 401
 * uses the value its own answer produced).
 */
final class RegistryAuth {
  private static final Pattern PARAM = Pattern.compile("([A-Za-z]+)=\"([^\"]*)\"");

  private final String host;
  private final Credentials.Login login;
  private final boolean insecure;
  private final HttpClient http;
  private final Duration requestTimeout;
  private volatile String authorization;

  RegistryAuth(String host, Credentials.Login login, boolean insecure, HttpClient http, Duration requestTimeout) {
    this.host = host;
    this.login = login;
    this.insecure = insecure;
    this.http = http;
    this.requestTimeout = requestTimeout;
  }

  /** The {@code Authorization} header value to send, or null before any challenge. */
  String header() {
    return authorization;
  }

  /**
   * Answers a 401's challenge and returns the {@code Authorization} value that answers it: the
   * caller sends that value with its retry (another thread may meanwhile have answered a
   * challenge of its own, with a token of another scope). The value is also kept for later
   * requests.
   */
  String answer(String challenge, String what) {
    String a = authenticate(challenge, what);
    authorization = a;
    return a;
  }

  /** What to do when the registry refuses a request as unauthorized. */
  String refusalHint() {
    return login == null ? "; run: b8g registry login " + host : "; the credentials for " + host + " were refused";
  }

  private String authenticate(String challenge, String what) {
    String scheme = challenge.trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
    if (scheme.equals("basic")) {
      if (login == null) {
        throw new RegistryException(RegistryException.UNAUTHORIZED, what + ": " + host
            + " asks for a login and the credentials file has none for it; run: b8g registry login " + host);
      }
      return basic();
    }
    if (scheme.equals("bearer")) {
      return "Bearer " + token(challenge, what);
    }
    throw new RegistryException(RegistryException.UNAUTHORIZED, what + ": " + host + " demands authentication ("
        + Printable.quoted(challenge) + ") that b8g does not speak");
  }

  /** Fetches a token from the realm of a Bearer challenge (service and scope passed on). */
  private String token(String challenge, String what) {
    Map<String, String> p = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      p.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
    }
    String realm = p.get("realm");
    if (realm == null) {
      throw new RegistryException(RegistryException.PROTOCOL, what + ": Bearer challenge without realm: " + Printable.quoted(challenge));
    }
    URI realmUri;
    try {
      StringBuilder q = new StringBuilder(realm);
      String sep = realm.contains("?") ? "&" : "?";
      if (p.containsKey("service")) {
        q.append(sep).append("service=").append(HttpTransport.enc(p.get("service")));
        sep = "&";
      }
      if (p.containsKey("scope")) {
        q.append(sep).append("scope=").append(HttpTransport.enc(p.get("scope")));
      }
      realmUri = URI.create(q.toString());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(RegistryException.PROTOCOL, what + ": bad realm " + Printable.quoted(realm), e);
    }
    if (!"https".equals(realmUri.getScheme()) && !(insecure && "http".equals(realmUri.getScheme()))) {
      throw new RegistryException(RegistryException.REFUSED, what + ": token realm " + realmUri
          + " is not https; set insecure to allow it");
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(realmUri).timeout(requestTimeout).GET();
    if (login != null) {
      b.header("Authorization", basic());
    }
    HttpResponse<InputStream> r = HttpTransport.call(http, b.build(), HttpErrors.BODY_LIMIT, what,
        e -> "token request to " + realmUri + " failed: " + e);
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      HttpTransport.drain(r);
      throw new RegistryException(RegistryException.UNAUTHORIZED, what + ": the token service " + realmUri.getHost()
          + " refused " + (login == null ? "an anonymous request; run: b8g registry login " + host : "the credentials for " + host));
    }
    HttpErrors.expect(r, what + " (token)", 200, refusalHint());
    JsonObject o = OciJson.parseObject(HttpTransport.readLimited(r.body(), HttpErrors.BODY_LIMIT, "token"), "token response");
    JsonElement t = o.has("token") ? o.get("token") : o.get("access_token");
    if (t == null || !t.isJsonPrimitive()) {
      throw new RegistryException(RegistryException.PROTOCOL, what + ": token response without a token");
    }
    // sent in an Authorization header: a control character in it would inject header lines
    return HttpTransport.headerValue("Authorization", t.getAsString(), what + " (the token from " + realmUri.getHost() + ")");
  }

  private String basic() {
    return "Basic " + Base64.getEncoder().encodeToString((login.username() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
  }
}
