package b8g.cli;

import b8g.host.Host;
import b8g.registry.Descriptor;
import b8g.registry.Registry;
import b8g.registry.RegistryException;
import b8g.registry.Unit;
import b8g.snapshots.Snapshots;
import b8g.snapshots.StackImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code b8g deploy REF}: pull, verify, extract into {@code HOME/deploy/<digest prefix>/}, run.
 *
 * <p>The unit is resolved to a manifest digest once (by {@code verify} when a signature is
 * required, else by {@code resolve}) and everything after that uses {@code name@digest}, so a tag
 * moved in the meantime cannot swap in content that was not verified.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = {"Pulls a unit from a registry (or the store), verifies it, extracts it under HOME/deploy/ and runs it like 'b8g run'.",
        "Exit codes as for run (0 all components succeeded, 1 one failed, 3 invalid manifest);",
        "8 when the unit cannot be fetched or is refused (unsigned, signed by another key, altered); 2 for wrong usage."})
final class DeployCommand implements Callable<Integer> {
  /** Signature refusals, reworded as deploy refusals but keeping their codes. */
  private static final Set<String> REFUSALS = Set.of(RegistryException.UNSIGNED, RegistryException.UNTRUSTED_SIGNER,
      RegistryException.BAD_SIGNATURE, RegistryException.DIGEST_MISMATCH);

  @Parameters(paramLabel = "REF", description = "[host[:port]/]name[:tag][@sha256:<hex>]")
  String ref;

  @Option(names = "--require-signature", description = "Refuse the unit unless it is signed by the --trust key.")
  boolean requireSignature;

  @Option(names = "--trust", paramLabel = "PUBKEY", description = "Trusted public key (KEYFILE.pub from 'b8g registry keygen'); given alone, it is checked too.")
  Path trust;

  @Option(names = "--home", paramLabel = "DIR", description = "b8g's home (store, credentials, deployments). Default: $B8G_HOME, else ~/.b8g.")
  Path home;

  @Option(names = "--insecure", description = "Allow plain http to every registry host (localhost and 127.0.0.1 always use http).")
  boolean insecure;

  @Option(names = "--fresh", description = "Start the manifest fresh even when the unit carries a stack image.")
  boolean fresh;

  @Option(names = {"-v", "--verbose"}, description = "Print every host event (grants, links, starts, ends) to stderr.")
  boolean verbose;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    if (requireSignature && trust == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--require-signature needs --trust PUBKEY");
    }
    boolean tty = System.console() != null;
    Path dir;
    Unit unit;
    String digest;
    try (Registry registry = RegistryCommand.open(home, insecure)) {
      Descriptor d;
      try {
        d = trust != null ? registry.verify(ref, trust) : registry.resolve(ref);
        unit = registry.pull(RegistryCommand.pin(ref, d.digest()));
      } catch (RegistryException e) {
        if (REFUSALS.contains(e.code())) {
          throw new RegistryException(e.code(), "refusing to deploy " + ref + ": " + e.getMessage(), e);
        }
        throw e;
      }
      digest = d.digest();
      dir = extractFresh(registry.storePath().getParent().resolve("deploy"), digest, unit);
    }
    if (tty) {
      err.println("b8g: deploying " + ref + " (" + digest + (trust != null ? ", signature verified" : ", no signature required")
          + ") from " + dir);
      err.flush();
    }
    List<String> images = unit.files().keySet().stream().filter(p -> p.endsWith(".b8gi")).toList();
    Host.Context ctx = new Host.Context().manifest(dir.resolve(unit.manifestFileName()));
    if (images.isEmpty() || fresh) {
      return RunCommand.runHost(ctx, verbose, spec.commandLine().getOut(), err);
    }
    if (images.size() > 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "the unit carries several stack images ("
          + String.join(", ", images) + "); deploy resumes from one only: use --fresh, or push one image per unit");
    }
    // A context blob is deserialised by V8, which verifies nothing and is no security boundary:
    // only a unit whose signature was verified against a trusted key may resume from one.
    if (trust == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "the unit carries a stack image (" + images.get(0)
          + "); resuming runs its V8 context, so it needs a signed unit and --trust PUBKEY (or --fresh to start fresh)");
    }
    // Resume: every check (structure, checksums, compatibility) happens before V8 sees a byte; the
    // unit's own manifest decides what the restored components are granted.
    StackImage img = StackImage.open(dir.resolve(images.get(0)), Snapshots.compatibility());
    if (tty) {
      err.println("b8g: resuming from " + images.get(0));
      err.flush();
    }
    return RunCommand.runHost(ctx, c -> Snapshots.restore(img, c), true, verbose, spec.commandLine().getOut(), err);
  }

  /**
   * Extracts {@code unit} into {@code deployRoot/<first 12 hex of digest>}, replacing an earlier
   * extraction of the same digest: written to a temporary sibling first and renamed into place, so
   * the directory that runs holds exactly the unit's files.
   */
  private static Path extractFresh(Path deployRoot, String digest, Unit unit) {
    String prefix = digest.substring("sha256:".length(), "sha256:".length() + 12);
    Path target = deployRoot.resolve(prefix);
    Path tmp = deployRoot.resolve("." + prefix + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(deployRoot);
      unit.extractTo(tmp);
      if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        deleteTree(target);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new RegistryException(RegistryException.IO, "cannot prepare deployment directory " + target + ": " + e, e);
    } finally {
      if (Files.exists(tmp, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try {
          deleteTree(tmp);
        } catch (IOException ignored) {
          // best effort: a leftover .tmp-* directory is harmless and names itself
        }
      }
    }
  }

  /** Deletes a tree without following symbolic links (a link is removed, not its target). */
  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
