package b8g.host;

import b8g.capabilities.CapabilityException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files a run or watch capability reaches: a list of allowed files or directories, all inside
 * the manifest's directory. A requested path is resolved against that directory, normalised, and
 * must equal an allowed file or lie below an allowed directory; its real path (symlinks resolved)
 * must stay inside the manifest's directory too.
 */
record PathScope(Path base, List<Path> allowed) {
  Path resolve(String requested, boolean mustExist) {
    Path p;
    try {
      p = base.resolve(requested).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new CapabilityException("capability.path", "\"" + requested + "\" is not a valid path");
    }
    boolean inside = false;
    for (Path a : allowed) {
      inside |= p.equals(a) || p.startsWith(a);
    }
    if (!inside || !p.startsWith(base)) {
      throw new CapabilityException("capability.path", "\"" + requested + "\" is outside what this capability allows");
    }
    try {
      Path real = Files.exists(p) ? p.toRealPath() : p.getParent().toRealPath().resolve(p.getFileName());
      if (!real.startsWith(base.toRealPath())) {
        throw new CapabilityException("capability.path", "\"" + requested + "\" leads outside the manifest's directory");
      }
      // A symlink inside an allowed directory must not lead to another file of the manifest's.
      boolean allowedReal = false;
      for (Path a : allowed) {
        Path ar = Files.exists(a) ? a.toRealPath() : a;
        allowedReal |= real.equals(ar) || real.startsWith(ar);
      }
      if (!allowedReal) {
        throw new CapabilityException("capability.path", "\"" + requested + "\" leads outside what this capability allows");
      }
      if (mustExist && !Files.isRegularFile(real)) {
        throw new CapabilityException("capability.path", "\"" + requested + "\" is not a file");
      }
      return real;
    } catch (IOException e) {
      throw new CapabilityException("capability.path", "\"" + requested + "\" does not exist");
    }
  }

  /** How {@code p} is shown to a component: relative to {@code base} when inside it, else its file name. */
  static String shown(Path base, Path p) {
    return p.startsWith(base) ? base.relativize(p).toString() : p.getFileName().toString();
  }
}
