package b8g.cli;

import b8g.errors.Printable;
import b8g.registry.Descriptor;
import b8g.registry.GcReport;
import b8g.registry.MediaTypes;
import b8g.registry.Reference;
import b8g.registry.Registry;
import b8g.registry.Unit;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code b8g registry ...}: one subcommand per {@link Registry} operation. Every subcommand opens
 * the registry on {@code --home}, calls one method and prints its result, as text or (with {@code
 * --json}) as exactly one JSON document on stdout. Errors are {@code RegistryException}s and exit
 * with 8; wrong usage exits with 2.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
    description = {"Pushes, pulls, names, signs and verifies b8g units in the embedded store and OCI registries.",
        "A REF is [host[:port]/]name[:tag][@sha256:<hex>]; without a host it names the store under --home only.",
        "Exit 0 on success, 2 for wrong usage, 8 for any registry error."},
    subcommands = {RegistryCommand.Push.class, RegistryCommand.Pull.class, RegistryCommand.Ls.class,
        RegistryCommand.Tag.class, RegistryCommand.Rm.class, RegistryCommand.Inspect.class, RegistryCommand.Gc.class,
        RegistryCommand.Login.class, RegistryCommand.Keygen.class, RegistryCommand.Sign.class,
        RegistryCommand.Verify.class})
final class RegistryCommand implements Runnable {
  // INHERIT: accepted before or after the subcommand's name; picocli binds every copy to these fields.
  @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "b8g's home (store, credentials, deployments). Default: $B8G_HOME, else ~/.b8g.")
  Path home;

  @Option(names = "--insecure", scope = ScopeType.INHERIT,
      description = "Allow plain http to every registry host (localhost and 127.0.0.1 always use http).")
  boolean insecure;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Print one JSON document on stdout instead of text (for scripts).")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing registry command (push, pull, ls, tag, rm,"
        + " inspect, gc, login, keygen, sign, verify)");
  }

  static Registry open(Path home, boolean insecure) {
    return open(home, insecure, n -> { });
  }

  static Registry open(Path home, boolean insecure, java.util.function.LongConsumer progress) {
    return Registry.open(new Registry.Context().home(home).insecure(insecure).progress(progress));
  }

  /** {@code name[:tag]@digest}: the reference pinned to what was resolved or verified. */
  static String pin(String ref, String digest) {
    Reference r = Reference.parse(ref);
    return r.name() + (r.tag() != null ? ":" + r.tag() : "") + "@" + digest;
  }

  /** Shared plumbing: open the registry, run, print text or one JSON document. */
  abstract static class Sub implements Callable<Integer> {
    @ParentCommand
    RegistryCommand parent;

    @Spec
    CommandSpec spec;

    /** The transfer being shown, if any: the registry reports bytes here as they move. */
    private volatile Progress current;

    @Override
    public final Integer call() throws Exception {
      try (Registry registry = open(parent.home, parent.insecure, n -> {
        Progress p = current;
        if (p != null) {
          p.accept(n);
        }
      })) {
        return run(registry);
      }
    }

    abstract int run(Registry registry) throws Exception;

    /** Prints {@code json} with {@code --json}, else {@code text}. */
    final void print(JsonElement json, String text) {
      PrintWriter out = spec.commandLine().getOut();
      // What a registry sent may be in either (tags, paths, annotations): both made safe for a terminal.
      out.println(parent.json
          ? Printable.json(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(json))
          : Printable.lines(text));
      out.flush();
    }

    /** Transfer progress on stderr, only when a terminal is attached and the output is text. */
    final Progress progress(String what) {
      Progress p = Progress.start(spec.commandLine().getErr(), !parent.json && System.console() != null, what);
      current = p;
      return p;
    }
  }

  static JsonObject descriptorJson(Descriptor d) {
    JsonObject o = new JsonObject();
    o.addProperty("digest", d.digest());
    o.addProperty("mediaType", d.mediaType());
    o.addProperty("size", d.size());
    if (d.artifactType() != null) {
      o.addProperty("artifactType", d.artifactType());
    }
    if (!d.annotations().isEmpty()) {
      JsonObject a = new JsonObject();
      d.annotations().forEach(a::addProperty);
      o.add("annotations", a);
    }
    return o;
  }

  static long totalBytes(Unit unit) {
    return unit.files().values().stream().mapToLong(b -> b.length).sum();
  }

  /**
   * The module files the components of {@code manifestFile} need, relative to its directory: what
   * the host reads of their module graphs (from node_modules, only what is required), so the
   * deployed unit starts as the pushed directory does. Nothing for classic scripts.
   */
  static java.util.Set<String> moduleFiles(Path manifestFile) {
    b8g.host.manifest.LoadedManifest m = b8g.host.manifest.ManifestLoader.load(manifestFile);
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (b8g.host.manifest.ComponentSpec c : m.components()) {
      String source;
      try {
        source = java.nio.file.Files.readString(c.script(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        continue; // the unit is packed without it; the host reports the missing script where it runs
      }
      if (!b8g.host.modules.ModuleGraph.classic(c.script(), source)) {
        out.addAll(b8g.host.modules.ModuleGraph.files(m.directory(), c.script()));
      }
    }
    return out;
  }

  @Command(name = "push", mixinStandardHelpOptions = true,
      description = {"Packs a unit directory (or a manifest file and its directory) and pushes it under REF.",
          "Stored in the store always; uploaded when REF has a host."})
  static final class Push extends Sub {
    @Parameters(index = "0", paramLabel = "DIR|MANIFEST", description = "A unit directory holding one *.txtpb (or *.json) manifest, or the manifest file.")
    Path source;

    @Parameters(index = "1", paramLabel = "REF", description = "Where to push, with a tag (default :latest).")
    String ref;

    @Override
    int run(Registry registry) {
      Progress p = progress("pushing " + source + " to " + ref);
      Descriptor d = registry.push(source, ref, RegistryCommand::moduleFiles);
      p.done(-1);
      JsonObject o = descriptorJson(d);
      o.addProperty("reference", ref);
      print(o, "pushed " + ref + " " + d.digest());
      return 0;
    }
  }

  @Command(name = "pull", mixinStandardHelpOptions = true,
      description = {"Fetches REF into the store (every blob verified against its digest), optionally extracting it."})
  static final class Pull extends Sub {
    @Parameters(paramLabel = "REF")
    String ref;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Extract the unit's files into DIR (created if missing).")
    Path output;

    @Override
    int run(Registry registry) {
      Progress p = progress("pulling " + ref);
      Descriptor d = registry.resolve(ref);
      Unit unit = registry.pull(pin(ref, d.digest()));
      if (output != null) {
        unit.extractTo(output);
      }
      p.done(totalBytes(unit));
      JsonObject o = new JsonObject();
      o.addProperty("reference", ref);
      o.addProperty("digest", d.digest());
      o.addProperty("manifest", unit.manifestFileName());
      JsonArray files = new JsonArray();
      StringBuilder text = new StringBuilder("pulled " + ref + " " + d.digest());
      for (Map.Entry<String, byte[]> e : unit.files().entrySet()) {
        JsonObject f = new JsonObject();
        f.addProperty("path", e.getKey());
        f.addProperty("size", e.getValue().length);
        files.add(f);
      }
      o.add("files", files);
      if (output != null) {
        o.addProperty("directory", output.toAbsolutePath().normalize().toString());
        text.append("\nextracted ").append(files.size()).append(" files to ").append(output);
      }
      print(o, text.toString());
      return 0;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true,
      description = {"Lists references: the store's (no REPO, or a store-only name), or a remote repository's tags (host/repo)."})
  static final class Ls extends Sub {
    @Parameters(arity = "0..1", paramLabel = "REPO")
    String repository;

    @Override
    int run(Registry registry) {
      List<String> refs = registry.ls(repository);
      JsonObject o = new JsonObject();
      o.addProperty("repository", repository);
      JsonArray a = new JsonArray();
      refs.forEach(a::add);
      o.add("references", a);
      print(o, String.join("\n", refs));
      return 0;
    }
  }

  @Command(name = "tag", mixinStandardHelpOptions = true,
      description = {"Gives SRC's unit the name DST (blobs are mounted, not uploaded, within one registry)."})
  static final class Tag extends Sub {
    @Parameters(index = "0", paramLabel = "SRC")
    String source;

    @Parameters(index = "1", paramLabel = "DST")
    String target;

    @Override
    int run(Registry registry) {
      Descriptor d = registry.tag(source, target);
      JsonObject o = descriptorJson(d);
      o.addProperty("source", source);
      o.addProperty("target", target);
      print(o, "tagged " + target + " " + d.digest());
      return 0;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true,
      description = {"Removes REF: a store tag, or a remote manifest (by digest, so every tag on it goes) and the store's tag.",
          "Blobs stay in the store until gc."})
  static final class Rm extends Sub {
    @Parameters(paramLabel = "REF")
    String ref;

    @Override
    int run(Registry registry) {
      int n = registry.rm(ref);
      JsonObject o = new JsonObject();
      o.addProperty("reference", ref);
      o.addProperty("removed", n);
      print(o, "removed " + ref + " (" + n + (n == 1 ? " name)" : " names)"));
      return 0;
    }
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = {"Prints REF's digest, media types, annotations, layers and signatures (always JSON)."})
  static final class Inspect extends Sub {
    @Parameters(paramLabel = "REF")
    String ref;

    @Override
    int run(Registry registry) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(registry.inspect(ref));
      out.flush();
      return 0;
    }
  }

  @Command(name = "gc", mixinStandardHelpOptions = true,
      description = {"Deletes store blobs no tag reaches, signatures of deleted units and leftovers of interrupted writes."})
  static final class Gc extends Sub {
    @Override
    int run(Registry registry) {
      GcReport r = registry.gc();
      JsonObject o = new JsonObject();
      JsonArray removed = new JsonArray();
      r.removedBlobs().forEach(removed::add);
      o.add("removedBlobs", removed);
      o.addProperty("bytesFreed", r.bytesFreed());
      o.addProperty("droppedReferrers", r.droppedReferrers());
      o.addProperty("removedTempFiles", r.removedTempFiles());
      print(o, "removed " + r.removedBlobs().size() + " blobs (" + r.bytesFreed() + " bytes), "
          + r.droppedReferrers() + " dangling signatures, " + r.removedTempFiles() + " temp files");
      return 0;
    }
  }

  @Command(name = "login", mixinStandardHelpOptions = true,
      description = {"Checks USER's password against HOST and stores it in HOME/credentials.json (mode 0600)."})
  static final class Login extends Sub {
    @Parameters(paramLabel = "HOST", description = "host[:port] of the registry.")
    String host;

    @Option(names = {"-u", "--username"}, required = true, paramLabel = "USER")
    String username;

    @Option(names = "--password-stdin", description = "Read the password from stdin (one line; a trailing newline is dropped).")
    boolean passwordStdin;

    @Override
    int run(Registry registry) throws IOException {
      String password;
      if (passwordStdin) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.in.transferTo(buf);
        password = buf.toString(StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
      } else if (System.console() != null) {
        char[] pw = System.console().readPassword("Password for %s at %s: ", username, host);
        password = pw == null ? "" : new String(pw);
      } else {
        throw new CommandLine.ParameterException(spec.commandLine(), "no terminal to ask for the password; use --password-stdin");
      }
      if (password.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "the password is empty");
      }
      registry.login(host, username, password);
      JsonObject o = new JsonObject();
      o.addProperty("host", host);
      o.addProperty("username", username);
      o.addProperty("stored", true);
      print(o, "logged in to " + host + " as " + username);
      return 0;
    }
  }

  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = {"Writes a new Ed25519 key pair: KEYFILE (private, mode 0600) and KEYFILE.pub (public, to hand to verifiers).",
          "Refuses to overwrite an existing key."})
  static final class Keygen extends Sub {
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "KEYFILE")
    Path keyFile;

    @Override
    int run(Registry registry) {
      Path pub = keyFile.resolveSibling(keyFile.getFileName() + ".pub");
      Registry.generateKeys(keyFile, pub);
      JsonObject o = new JsonObject();
      o.addProperty("privateKey", keyFile.toAbsolutePath().normalize().toString());
      o.addProperty("publicKey", pub.toAbsolutePath().normalize().toString());
      print(o, "wrote private key " + keyFile + " and public key " + pub);
      return 0;
    }
  }

  @Command(name = "sign", mixinStandardHelpOptions = true,
      description = {"Signs REF's manifest digest with an Ed25519 private key (a referrer of REF).",
          "The signature is kept in the store, and pushed to the registry when REF has a host."})
  static final class Sign extends Sub {
    @Parameters(paramLabel = "REF")
    String ref;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "Private key file written by keygen.")
    Path key;

    @Override
    int run(Registry registry) {
      Descriptor d = registry.sign(ref, key);
      JsonObject o = new JsonObject();
      o.addProperty("reference", ref);
      o.add("signature", descriptorJson(d));
      String signer = d.annotations().get(MediaTypes.ANNOTATION_SIGNER);
      print(o, "signed " + ref + " (signature " + d.digest() + ", signer " + signer + ")");
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Succeeds only when REF carries a valid signature by the trusted public key and every blob matches its digest.",
          "Refusals (exit 8): registry.unsigned, registry.untrusted_signer, registry.bad_signature, registry.digest_mismatch."})
  static final class Verify extends Sub {
    @Parameters(paramLabel = "REF")
    String ref;

    @Option(names = "--trust", required = true, paramLabel = "PUBKEY", description = "Public key file (KEYFILE.pub from keygen).")
    Path trust;

    @Override
    int run(Registry registry) {
      Descriptor d = registry.verify(ref, trust);
      JsonObject o = new JsonObject();
      o.addProperty("reference", ref);
      o.addProperty("digest", d.digest());
      o.addProperty("verified", true);
      o.addProperty("trustedKey", trust.toAbsolutePath().normalize().toString());
      print(o, "verified " + ref + " " + d.digest() + ": signed by the trusted key");
      return 0;
    }
  }

  /**
   * Transfer progress on stderr when enabled (a terminal, text output): a line redrawn at most ten
   * times a second with the bytes moved and the rate, then a summary.
   */
  static final class Progress implements java.util.function.LongConsumer {
    private final PrintWriter err;
    private final boolean enabled;
    private final String what;
    private final long start = System.nanoTime();
    private long bytes;
    private long lastDraw;

    @Override
    public synchronized void accept(long n) {
      bytes += n;
      long now = System.nanoTime();
      if (!enabled || now - lastDraw < 100_000_000L) {
        return;
      }
      lastDraw = now;
      double s = (now - start) / 1e9;
      err.printf("\rb8g: %s: %.1f MiB (%.1f MiB/s)   ", what, bytes / 1048576.0, bytes / 1048576.0 / Math.max(s, 1e-6));
      err.flush();
    }

    private Progress(PrintWriter err, boolean enabled, String what) {
      this.err = err;
      this.enabled = enabled;
      this.what = what;
    }

    static Progress start(PrintWriter err, boolean enabled, String what) {
      Progress p = new Progress(err, enabled, what);
      if (enabled) {
        err.println("b8g: " + what + " ...");
        err.flush();
      }
      return p;
    }

    /** Ends the line; {@code bytes < 0} when the amount is unknown (then what was counted is shown). */
    synchronized void done(long bytes) {
      if (!enabled) {
        return;
      }
      if (bytes < 0 && this.bytes > 0) {
        bytes = this.bytes;
      }
      if (lastDraw != 0) {
        err.print("\r");
      }
      double s = (System.nanoTime() - start) / 1e9;
      String rate = bytes < 0 ? "" : bytes < 1 << 20 ? String.format(" (%.1f KiB)", bytes / 1024.0)
          : String.format(" (%.1f MiB, %.1f MiB/s)", bytes / 1048576.0, bytes / 1048576.0 / Math.max(s, 1e-6));
      err.printf("b8g: %s: done in %.2f s%s%n", what, s, rate);
      err.flush();
    }
  }
}
