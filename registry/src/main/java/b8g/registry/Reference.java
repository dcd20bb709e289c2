package b8g.registry;

import b8g.errors.Printable;
import java.util.regex.Pattern;

/**
 * A parsed unit reference. Grammar (README.md has it with examples):
 *
 * <pre>
 * reference  := [ host "/" ] repository [ ":" tag ] [ "@" digest ]
 * host       := hostname [ ":" port ]   -- the first "/"-separated part is a host iff it
 *                                          contains "." or ":" or is "localhost"
 * repository := component ( "/" component )*
 * component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 * tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
 * digest     := "sha256:" [a-f0-9]{64}
 * </pre>
 *
 * Without tag and digest the tag is {@code latest}. Without host the reference names the
 * embedded store only. Immutable.
 */
public final class Reference {
  private static final Pattern HOST =
      Pattern.compile("(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?");
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");
  static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

  private final String host;
  private final String repository;
  private final String tag;
  private final String digest;

  private Reference(String host, String repository, String tag, String digest) {
    this.host = host;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
  }

  /** Parses {@code text} or throws {@code registry.bad_reference} saying which part is wrong. */
  public static Reference parse(String text) {
    if (text == null || text.isEmpty()) {
      throw bad(text, "it is empty");
    }
    if (text.length() > 512) {
      throw bad(text, "it is longer than 512 characters");
    }
    String rest = text;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!Digest.isValid(digest)) {
        throw bad(text, "the digest after '@' must be sha256:<64 lowercase hex>");
      }
    }
    String host = null;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
        if (!HOST.matcher(first).matches()) {
          throw bad(text, Printable.quoted(first) + " is not a valid host[:port]");
        }
        host = first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw bad(text, "the tag " + Printable.quoted(tag) + " must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
      }
    }
    if (rest.isEmpty()) {
      throw bad(text, "the repository name is missing");
    }
    if (rest.length() > 255) {
      throw bad(text, "the repository name is longer than 255 characters");
    }
    for (String c : rest.split("/", -1)) {
      if (!COMPONENT.matcher(c).matches()) {
        throw bad(text, "repository part " + Printable.quoted(c) + " must be lowercase letters and digits, separated by '.', '_', '__' or '-'");
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new Reference(host, rest, tag, digest);
  }

  private static RegistryException bad(String text, String why) {
    return new RegistryException(RegistryException.BAD_REFERENCE, "bad reference " + Printable.quoted(text) + ": " + why
        + " (expected [host[:port]/]name[:tag][@sha256:<hex>], for example localhost:5000/demo/app:1.0)");
  }

  /** The registry host ({@code host[:port]}), or {@code null} for a store-only reference. */
  public String host() {
    return host;
  }

  public boolean isRemote() {
    return host != null;
  }

  public String repository() {
    return repository;
  }

  /** The tag, or {@code null} when the reference is by digest only. */
  public String tag() {
    return tag;
  }

  /** The digest, or {@code null}. */
  public String digest() {
    return digest;
  }

  /** What to ask a registry for: the digest when there is one, else the tag. */
  String remoteReference() {
    return digest != null ? digest : tag;
  }

  /** {@code [host/]repository}. */
  public String name() {
    return host == null ? repository : host + "/" + repository;
  }

  /**
   * The name under which the embedded store keeps this reference ({@code ref.name} in
   * index.json): {@code [host/]repository:tag}, or {@code [host/]repository@digest} without tag.
   */
  String storeTag() {
    return tag == null ? name() + "@" + digest : name() + ":" + tag;
  }

  /** Whether the store name {@code storeTag} ({@code name:tag} or {@code name@digest}) is in this reference's repository. */
  boolean namesRepositoryOf(String storeTag) {
    return storeTag.startsWith(name() + ":") || storeTag.startsWith(name() + "@");
  }

  @Override
  public String toString() {
    return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Reference r && r.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
