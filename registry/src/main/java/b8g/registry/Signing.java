package b8g.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys in PEM files (PKCS#8 {@code PRIVATE KEY}, X.509 {@code PUBLIC KEY}) and signatures
 * over a manifest digest string. The private key file (which holds the public key as a second PEM
 * block) is created 0600 and refused when others may read it.
 */
final class Signing {
  private Signing() {}

  static void generate(Path privateKey, Path publicKey) {
    try {
      KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      Files.createDirectories(privateKey.toAbsolutePath().getParent());
      Files.createDirectories(publicKey.toAbsolutePath().getParent());
      // Checked first so that an existing public key neither is overwritten nor leaves a new
      // private key behind without its public half.
      if (Files.exists(publicKey, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new java.nio.file.FileAlreadyExistsException(publicKey.toString());
      }
      Files.createFile(privateKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      // The private file carries the public key too: a signature names its signer by the public
      // key's fingerprint, and the JDK cannot derive an Ed25519 public key from a private one.
      Files.writeString(privateKey, pem("PRIVATE KEY", kp.getPrivate().getEncoded()) + pem("PUBLIC KEY", kp.getPublic().getEncoded()),
          StandardOpenOption.TRUNCATE_EXISTING);
      Files.writeString(publicKey, pem("PUBLIC KEY", kp.getPublic().getEncoded()), StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new RegistryException(RegistryException.IO, "key file " + e.getFile() + " exists; refusing to overwrite a key", e);
    } catch (IOException e) {
      throw new RegistryException(RegistryException.IO, "cannot write key files: " + e, e);
    } catch (GeneralSecurityException e) {
      throw new RegistryException(RegistryException.BAD_KEY, "this JDK cannot generate Ed25519 keys: " + e, e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] readPem(Path file, String type) {
    String text;
    try {
      if (Files.size(file) > 16 * 1024) {
        throw new RegistryException(RegistryException.BAD_KEY, file + " is too large to be an Ed25519 key");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new RegistryException(RegistryException.BAD_KEY, "cannot read key file " + file + ": " + e, e);
    }
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new RegistryException(RegistryException.BAD_KEY, file + " is not a PEM file with a " + type + " block");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new RegistryException(RegistryException.BAD_KEY, file + " has a " + type + " block that is not base64", ex);
    }
  }

  static PrivateKey readPrivate(Path file) {
    try {
      Credentials.checkPrivate(file, "private key file");
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(readPem(file, "PRIVATE KEY")));
    } catch (IOException e) {
      throw new RegistryException(RegistryException.BAD_KEY, "cannot read key file " + file + ": " + e, e);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new RegistryException(RegistryException.BAD_KEY, file + " is not an Ed25519 private key: " + e.getMessage(), e);
    }
  }

  static PublicKey readPublic(Path file) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(readPem(file, "PUBLIC KEY")));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new RegistryException(RegistryException.BAD_KEY, file + " is not an Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** {@code sha256:<hex>} of the key's X.509 encoding: names a signer without revealing anything. */
  static String fingerprint(PublicKey key) {
    return Digest.of(key.getEncoded());
  }

  static byte[] sign(PrivateKey key, String manifestDigest) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(manifestDigest.getBytes(StandardCharsets.US_ASCII));
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new RegistryException(RegistryException.BAD_KEY, "cannot sign with this key: " + e, e);
    }
  }

  static boolean verify(PublicKey key, String manifestDigest, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(manifestDigest.getBytes(StandardCharsets.US_ASCII));
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
