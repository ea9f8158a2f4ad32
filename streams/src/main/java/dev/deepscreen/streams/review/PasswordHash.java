package dev.deepscreen.streams.review;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A reviewer's password hash: PBKDF2 with HMAC-SHA256, a random 16-byte salt and a 256-bit key,
 * written {@code pbkdf2-sha256$<iterations>$<salt, base64>$<key, base64>} (no colon or comma,
 * so that it fits a {@code name:hash} list entry).
 */
public record PasswordHash(int iterations, byte[] salt, byte[] key) {

  public static final String SCHEME = "pbkdf2-sha256";
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
  public static final int DEFAULT_ITERATIONS = 600_000;
  private static final int MIN_ITERATIONS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Hashes {@code password} with a new salt. */
  public static PasswordHash of(char[] password, int iterations) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return new PasswordHash(iterations, salt, derive(password, salt, iterations));
  }

  /** Reads the written form; the message says what is wrong, never the hash itself. */
  public static PasswordHash parse(String text) {
    String[] parts = text.split("\\$", -1);
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      throw new IllegalArgumentException("a password hash has the form " + SCHEME
          + "$<iterations>$<salt>$<key>, as 'deepscreen review hash-password' prints it");
    }
    int iterations;
    try {
      iterations = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the hash's iteration count is not a number");
    }
    if (iterations < MIN_ITERATIONS) {
      throw new IllegalArgumentException("the hash has " + iterations + " iterations, fewer"
          + " than the " + MIN_ITERATIONS + " accepted");
    }
    try {
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] key = Base64.getDecoder().decode(parts[3]);
      if (salt.length < 8 || key.length != 32) {
        throw new IllegalArgumentException("the hash's salt or key has the wrong length");
      }
      return new PasswordHash(iterations, salt, key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the hash's salt or key is not valid base64 of the"
          + " right length");
    }
  }

  /** Whether {@code password} matches, compared in constant time. */
  public boolean matches(char[] password) {
    return MessageDigest.isEqual(key, derive(password, salt, iterations));
  }

  @Override
  public String toString() {
    return SCHEME + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
        + Base64.getEncoder().encodeToString(key);
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec)
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JVM", e);
    } finally {
      spec.clearPassword();
    }
  }
}
