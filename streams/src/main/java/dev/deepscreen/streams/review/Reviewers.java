package dev.deepscreen.streams.review;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The reviewers who may log in, by name, with their password hashes. */
public final class Reviewers {

  private static final String NAME_PATTERN = "[A-Za-z0-9._@-]{1,64}";
  /** Checked when a name is unknown, so that a wrong name costs as long as a wrong password. */
  private static final PasswordHash DECOY = PasswordHash.of(new char[] {'x'},
      PasswordHash.DEFAULT_ITERATIONS);

  private final Map<String, PasswordHash> hashes;

  private Reviewers(Map<String, PasswordHash> hashes) {
    this.hashes = Map.copyOf(hashes);
  }

  /** Reads {@code name:hash} entries. */
  static Reviewers parse(List<String> entries) {
    Map<String, PasswordHash> hashes = new LinkedHashMap<>();
    for (String entry : entries) {
      int colon = entry.indexOf(':');
      String name = colon < 0 ? entry.trim() : entry.substring(0, colon).trim();
      if (colon < 0 || !name.matches(NAME_PATTERN)) {
        throw new IllegalArgumentException("each reviewer is name:hash with a name of 1 to 64"
            + " letters, digits or ._@- (entry " + (hashes.size() + 1) + ")");
      }
      PasswordHash hash;
      try {
        hash = PasswordHash.parse(entry.substring(colon + 1).trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("reviewer " + name + ": " + e.getMessage());
      }
      if (hashes.put(name, hash) != null) {
        throw new IllegalArgumentException("reviewer " + name + " is listed twice");
      }
    }
    return new Reviewers(hashes);
  }

  /** Whether {@code name} has the form of a reviewer's name (1 to 64 letters, digits, ._@-). */
  static boolean isPossibleName(String name) {
    return name.matches(NAME_PATTERN);
  }

  /** The reviewer's name when the password is theirs. */
  public Optional<String> authenticate(String name, char[] password) {
    PasswordHash hash = name == null ? null : hashes.get(name);
    boolean matches = (hash == null ? DECOY : hash).matches(password);
    return hash != null && matches ? Optional.of(name) : Optional.empty();
  }

  public int size() {
    return hashes.size();
  }
}
