package b8g.host.modules;

import b8g.components.ComponentException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Node's CommonJS resolution, confined to one directory: {@code ./x} tries x, x.js, x.json (and
 * x.ts, for TypeScript sources), then x/package.json's main and x/index.*; a bare name walks up the
 * {@code node_modules} folders, no higher than the component's directory, and honours
 * {@code package.json} {@code exports} (a string, a subpath map with {@code *} patterns,
 * conditions) and {@code imports} ({@code #name}).
 *
 * <p>Conditions: {@code require} or {@code import} (as the specifier was written),
 * {@code browser} and {@code default}, in the package's order. Not {@code node}: b8g is not Node,
 * and those builds reach for fs, crypto and process. {@code browser}: a component's globals are
 * the web's (TextEncoder, setTimeout, crypto.getRandomValues), never Node's, and it is the build
 * that uses them (nanoid's default build imports node:crypto, its browser build uses
 * crypto.getRandomValues). Not {@code worker} (builds for workerd and the like, which expect fetch
 * and their own globals).
 *
 * <p>Every file found is taken to its real path (symlinks resolved); one outside the directory is
 * refused, naming the requiring file and the specifier. Not thread-safe (it caches package.json).
 */
public final class ModuleResolver {
  /** How a specifier was written, which picks the {@code exports} condition. */
  public enum Mode { REQUIRE, IMPORT }

  private static final Set<String> EXTENSIONS = Set.of(".js", ".json", ".ts");
  private final Path root;
  private final Map<Path, JsonObject> packages = new HashMap<>();
  private final java.util.Set<Path> packageFiles = new java.util.TreeSet<>();
  /** Largest package.json read. */
  static final long MAX_PACKAGE_JSON = 1 << 20;
  /** Deepest chain of resolutions one specifier may start. */
  private static final int MAX_DEPTH = 16;
  // The resolution under way, for errors.
  private String fromName = "";
  private String spec = "";
  private int depth;

  /** {@code root}: the component's directory, as a real path. */
  public ModuleResolver(Path root) {
    this.root = root;
  }

  /**
   * The real path of the file {@code spec} names from {@code from}, or null when nothing matches
   * (a Node built-in or a missing optional dependency: the caller tells them apart).
   */
  public Path resolve(String spec, Path from, String fromName, Mode mode) {
    if (depth >= MAX_DEPTH) {
      throw invalid("resolution nests deeper than " + MAX_DEPTH);
    }
    String outerFrom = this.fromName;
    String outerSpec = this.spec;
    this.fromName = fromName;
    this.spec = spec;
    depth++;
    try {
      return resolveOnce(spec, from, fromName, mode);
    } finally {
      depth--;
      this.fromName = outerFrom;
      this.spec = outerSpec;
    }
  }

  private Path resolveOnce(String spec, Path from, String fromName, Mode mode) {
    Path found;
    if (spec.startsWith("node:")) {
      return null;
    } else if (spec.startsWith("./") || spec.startsWith("../") || spec.equals(".") || spec.equals("..") || spec.startsWith("/")) {
      Path base = spec.startsWith("/") ? Path.of(spec).normalize() : from.getParent().resolve(spec).normalize();
      if (!base.startsWith(root)) {
        throw outside(fromName, spec, base);
      }
      found = fileOrDirectory(base, from);
    } else if (spec.startsWith("#")) {
      found = packageImport(spec, from, fromName, mode);
    } else {
      found = nodeModules(spec, from, mode);
    }
    return found == null ? null : confined(found, fromName, spec);
  }

  /**
   * True when the nearest package.json's {@code browser} map (the bundlers' convention) replaces
   * {@code file}, or the specifier {@code spec} required from it, with {@code false}: an empty
   * module. Packages use it for the Node-only file a browser build must not load (object-inspect's
   * {@code util.inspect.js}, which requires {@code util}); b8g has no Node built-ins either.
   */
  public boolean disabled(Path file, String spec) {
    Path dir = packageScope(file);
    JsonElement browser = dir == null ? null : packageJson(dir).get("browser");
    if (browser == null || !browser.isJsonObject()) {
      return false;
    }
    String key = spec != null ? spec : "./" + dir.relativize(file).toString().replace('\\', '/');
    JsonElement v = browser.getAsJsonObject().get(key);
    return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean() && !v.getAsBoolean();
  }

  /** The directory of the nearest package.json above {@code file} inside the root (Node's package scope), or null. */
  private Path packageScope(Path file) {
    for (Path dir = file.getParent(); dir != null && dir.startsWith(root); dir = dir.getParent()) {
      if (packageJson(dir) != null) {
        return dir;
      }
    }
    return null;
  }

  /** Every package.json read so far (they decided resolutions, so a unit must carry them). */
  public java.util.Set<Path> packageFiles() {
    return java.util.Collections.unmodifiableSet(packageFiles);
  }

  /** The nearest package.json's {@code type} is {@code module}. */
  public boolean typeModule(Path file) {
    Path dir = packageScope(file);
    JsonElement type = dir == null ? null : packageJson(dir).get("type");
    return type != null && type.isJsonPrimitive() && "module".equals(type.getAsString());
  }

  private Path confined(Path found, String fromName, String spec) {
    Path real;
    try {
      real = found.toRealPath();
    } catch (IOException e) {
      return null;
    }
    if (!real.startsWith(root)) {
      throw outside(fromName, spec, real);
    }
    return real;
  }

  private ComponentException invalid(String why) {
    return new ComponentException("component.script", fromName + ": require('" + spec + "'): " + why);
  }

  /** {@code p}, refused unless it lies lexically below the root: checked before any file is read there. */
  private Path inside(Path p) {
    Path n = p.normalize();
    if (!n.startsWith(root)) {
      throw outside(fromName, spec, n);
    }
    return n;
  }

  /** Refuses a path with . or .. (or node_modules) segments where Node refuses them: subpaths, names, targets. */
  private void plain(String path, String what) {
    plain(path, path, what);
  }

  private void plain(String path, String shown, String what) {
    for (String seg : path.split("/", -1)) {
      if (seg.equals(".") || seg.equals("..") || (what.endsWith("target") && seg.equals("node_modules"))) {
        throw invalid("invalid " + what + " '" + shown + "': no . or .. segments (nor node_modules in a target)");
      }
    }
  }

  private ComponentException outside(String fromName, String spec, Path where) {
    return new ComponentException("component.script", fromName + ": require('" + spec + "') resolves to " + where
        + ", outside the component's directory " + root + ": a component reads only files below its manifest");
  }

  private Path nodeModules(String spec, Path from, Mode mode) {
    int slash = spec.indexOf('/', spec.startsWith("@") ? spec.indexOf('/') + 1 : 0);
    String name = slash < 0 ? spec : spec.substring(0, slash);
    String subpath = slash < 0 ? "." : "." + spec.substring(slash);
    plain(name.startsWith("@") && name.indexOf('/') > 0 ? name.substring(1) : name, name, "package name");
    if (name.startsWith("@") && name.indexOf('/') < 0) {
      throw invalid("invalid package name '" + name + "': a scope needs a name");
    }
    if (slash >= 0) {
      plain(spec.substring(slash + 1), "subpath");
    }
    for (Path dir = from.getParent(); dir != null && dir.startsWith(root); dir = dir.getParent()) {
      if (dir.getFileName() != null && dir.getFileName().toString().equals("node_modules")) {
        continue;
      }
      Path pkg = inside(dir.resolve("node_modules").resolve(name));
      if (!Files.isDirectory(pkg)) {
        continue;
      }
      JsonObject pj = packageJson(pkg);
      if (pj != null && pj.has("exports") && !pj.get("exports").isJsonNull()) {
        return exportsTarget(pkg, pj.get("exports"), subpath, mode);
      }
      return fileOrDirectory(inside(pkg.resolve(subpath)), from);
    }
    return null;
  }

  private Path packageImport(String spec, Path from, String fromName, Mode mode) {
    Path dir = packageScope(from);
    JsonElement imports = dir == null ? null : packageJson(dir).get("imports");
    if (imports == null || !imports.isJsonObject()) {
      return null;
    }
    String target = match(imports.getAsJsonObject(), spec, mode, dir, true);
    if (target == null) {
      return null;
    }
    if (target.startsWith("./")) {
      return regularFile(inside(dir.resolve(target)));
    }
    // As Node: a target that is no ./ path names a package, never another #import or a path.
    if (target.startsWith("#") || target.startsWith("/") || target.startsWith("../") || target.equals(".") || target.equals("..")
        || target.startsWith("node:")) {
      throw invalid("invalid imports target '" + target + "' in " + dir.resolve("package.json") + ": a ./ path or a package name");
    }
    return nodeModules(target, from, mode);
  }

  private Path exportsTarget(Path pkg, JsonElement exports, String subpath, Mode mode) {
    JsonObject map;
    if (exports.isJsonObject() && exports.getAsJsonObject().keySet().stream().anyMatch(k -> k.startsWith("."))) {
      map = exports.getAsJsonObject();
    } else {
      map = new JsonObject();
      map.add(".", exports);
    }
    String target = match(map, subpath, mode, pkg, false);
    return target == null ? null : regularFile(inside(pkg.resolve(target)));
  }

  /** Node's PACKAGE_EXPORTS_RESOLVE / PACKAGE_IMPORTS_RESOLVE over one map: a target path or null. */
  private String match(JsonObject map, String key, Mode mode, Path base, boolean bareAllowed) {
    if (map.has(key) && !key.contains("*")) {
      return target(map.get(key), null, mode, bareAllowed);
    }
    String bestKey = null;
    for (String k : map.keySet()) {
      int star = k.indexOf('*');
      if (star < 0 || k.indexOf('*', star + 1) >= 0) {
        continue;
      }
      String prefix = k.substring(0, star);
      String suffix = k.substring(star + 1);
      if (key.startsWith(prefix) && key.length() >= k.length() && key.endsWith(suffix)
          && (bestKey == null || prefix.length() > bestKey.indexOf('*'))) {
        bestKey = k;
      }
    }
    if (bestKey == null) {
      return null;
    }
    int star = bestKey.indexOf('*');
    String matched = key.substring(star, key.length() - (bestKey.length() - star - 1));
    return target(map.get(bestKey), matched, mode, bareAllowed);
  }

  private String target(JsonElement t, String matched, Mode mode, boolean bareAllowed) {
    if (t == null || t.isJsonNull()) {
      return null;
    }
    if (t.isJsonPrimitive()) {
      String s = t.getAsString();
      if (!s.startsWith("./") && !bareAllowed) {
        return null;
      }
      if (s.startsWith("./")) {
        plain(s.substring(2).replace("*", "x"), s, "exports or imports target");
      }
      if (matched != null) {
        plain(matched, "pattern match");
      }
      return matched == null ? s : s.replace("*", matched);
    }
    if (t.isJsonArray()) {
      for (JsonElement e : t.getAsJsonArray()) {
        String r = target(e, matched, mode, bareAllowed);
        if (r != null) {
          return r;
        }
      }
      return null;
    }
    for (Map.Entry<String, JsonElement> c : t.getAsJsonObject().entrySet()) {
      String cond = c.getKey();
      boolean taken = cond.equals("default") || cond.equals("browser") || (mode == Mode.REQUIRE ? cond.equals("require") : cond.equals("import"));
      if (taken) {
        String r = target(c.getValue(), matched, mode, bareAllowed);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }

  private Path fileOrDirectory(Path base, Path from) {
    Path f = file(base, from);
    return f != null ? f : directory(base, from);
  }

  // LOAD_AS_FILE, with TypeScript's habits: "./x.js" may name x.ts.
  private Path file(Path base, Path from) {
    Path f = regularFile(base);
    if (f != null) {
      return f;
    }
    String name = base.getFileName() == null ? "" : base.getFileName().toString();
    for (String ext : EXTENSIONS) {
      f = regularFile(base.resolveSibling(name + ext));
      if (f != null) {
        return f;
      }
    }
    String fromName = from.getFileName().toString();
    if (name.endsWith(".js") && (fromName.endsWith(".ts") || fromName.endsWith(".mts") || fromName.endsWith(".cts"))) {
      return regularFile(base.resolveSibling(name.substring(0, name.length() - 3) + ".ts"));
    }
    return null;
  }

  private Path directory(Path base, Path from) {
    if (!Files.isDirectory(inside(base))) {
      return null;
    }
    JsonObject pj = packageJson(base);
    if (pj != null && pj.has("main") && pj.get("main").isJsonPrimitive()) {
      Path main = inside(base.resolve(pj.get("main").getAsString()));
      Path f = file(main, from);
      if (f == null) {
        f = index(main);
      }
      if (f != null) {
        return f;
      }
    }
    return index(base);
  }

  private Path index(Path dir) {
    for (String ext : EXTENSIONS) {
      Path f = regularFile(dir.resolve("index" + ext));
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private Path regularFile(Path p) {
    return Files.isRegularFile(inside(p)) ? p : null;
  }

  private JsonObject packageJson(Path dir) {
    Path p = inside(dir.resolve("package.json"));
    return packages.computeIfAbsent(dir, d -> {
      if (!Files.isRegularFile(p)) {
        return null;
      }
      try {
        if (!p.toRealPath().startsWith(root)) {
          throw outside(fromName, spec, p.toRealPath());
        }
        if (Files.size(p) > MAX_PACKAGE_JSON) {
          throw new ComponentException("component.script", p + ": larger than " + MAX_PACKAGE_JSON + " bytes: b8g reads no larger package.json");
        }
        packageFiles.add(p);
        JsonElement e = JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8));
        return e.isJsonObject() ? e.getAsJsonObject() : null;
      } catch (ComponentException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new ComponentException("component.script", p + ": cannot read package.json: " + e.getMessage(), e);
      }
    });
  }
}
