package b8g.registry;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Set;

/**
 * Basic-auth credentials per registry host, in the Docker {@code config.json} shape: {@code
 * {"auths": {"host:port": {"auth": base64("user:password")}}}} (or {@code username}/{@code
 * password} fields). The file must not be readable by group or others.
 */
final class Credentials {
  record Login(String username, String password) {}

  private final Path file;

  Credentials(Path file) {
    this.file = file;
  }

  /** Credentials for {@code host}, or {@code null} when the file or the entry is missing. */
  Login forHost(String host) {
    JsonObject root = read();
    if (root == null) {
      return null;
    }
    JsonElement auths = root.get("auths");
    if (auths == null || !auths.isJsonObject()) {
      return null;
    }
    JsonElement entry = auths.getAsJsonObject().get(host);
    if (entry == null || !entry.isJsonObject()) {
      return null;
    }
    JsonObject e = entry.getAsJsonObject();
    try {
      if (e.has("auth")) {
        String decoded = new String(Base64.getDecoder().decode(e.get("auth").getAsString()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
          throw bad("the 'auth' of " + host + " is not base64 of user:password");
        }
        return new Login(decoded.substring(0, colon), decoded.substring(colon + 1));
      }
      if (e.has("username") && e.has("password")) {
        return new Login(e.get("username").getAsString(), e.get("password").getAsString());
      }
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException ex) {
      throw bad("the entry for " + host + " is malformed");
    }
    return null;
  }

  /** Stores credentials for {@code host}, creating the file with mode 0600. */
  void store(String host, String username, String password) {
    JsonObject root = read();
    if (root == null) {
      root = new JsonObject();
    }
    if (!root.has("auths") || !root.get("auths").isJsonObject()) {
      root.add("auths", new JsonObject());
    }
    JsonObject entry = new JsonObject();
    entry.addProperty("auth", Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    root.getAsJsonObject("auths").add(host, entry);
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".tmp-credentials", ".json",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.write(tmp, OciJson.bytes(root));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException ex) {
      throw new RegistryException(RegistryException.IO, "cannot write credentials file " + file + ": " + ex, ex);
    }
  }

  private JsonObject read() {
    try {
      checkPrivate(file, "credentials file");
      byte[] bytes = Files.readAllBytes(file);
      return OciJson.parseObject(bytes, "credentials file " + file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new RegistryException(RegistryException.IO, "cannot read credentials file " + file + ": " + e, e);
    } catch (RegistryException e) {
      if (e.code().equals(RegistryException.BAD_MANIFEST)) {
        throw bad(e.getMessage());
      }
      throw e;
    }
  }

  /** Refuses a secret file that group or others may read or write. */
  static void checkPrivate(Path file, String what) throws IOException {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: nothing to check
    }
    for (PosixFilePermission p : perms) {
      if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
        throw new RegistryException(RegistryException.CREDENTIALS, what + " " + file + " is accessible by others (mode "
            + PosixFilePermissions.toString(perms) + "); it holds secrets, run: chmod 600 " + file);
      }
    }
  }

  private RegistryException bad(String why) {
    return new RegistryException(RegistryException.CREDENTIALS, "credentials file " + file + ": " + why);
  }
}
