package dev.vxconnect.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tokens bound to users, from a file of lines {@code user token} or {@code user sha256:<hex>}
 * (# comments, blank lines ignored). Tokens are kept and looked up by their SHA-256 only, so the
 * lookup time does not depend on how much of a guess matches.
 */
public final class TokenTable {

  private static final String SHA256_PREFIX = "sha256:";

  private final Map<String, String> userByDigest;

  private TokenTable(Map<String, String> userByDigest) {
    this.userByDigest = Map.copyOf(userByDigest);
  }

  public static TokenTable empty() {
    return new TokenTable(Map.of());
  }

  /** Reads the file; a malformed line is an error naming its number (never its content). */
  public static TokenTable read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read the tokens file " + file + ": " + e.getMessage(), e);
    }
    return parse(lines, file.toString());
  }

  static TokenTable parse(List<String> lines, String source) {
    Map<String, String> users = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2) {
        throw new IllegalArgumentException(source + " line " + (i + 1) + ": expected 'user token'");
      }
      String digest =
          parts[1].startsWith(SHA256_PREFIX)
              ? parts[1].substring(SHA256_PREFIX.length()).toLowerCase(Locale.ROOT)
              : digest(parts[1]);
      if (digest.length() != 64 || !digest.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new IllegalArgumentException(
            source + " line " + (i + 1) + ": a sha256: token needs 64 hex digits");
      }
      String previous = users.putIfAbsent(digest, parts[0]);
      if (previous != null && !previous.equals(parts[0])) {
        throw new IllegalArgumentException(
            source + " line " + (i + 1) + ": this token is already given to another user");
      }
    }
    return new TokenTable(users);
  }

  /** The user this token is bound to. */
  public Optional<String> userOf(String token) {
    return Optional.ofNullable(userByDigest.get(digest(token)));
  }

  public int size() {
    return userByDigest.size();
  }

  /** Lower-case hex SHA-256 of the token's UTF-8 bytes (what a {@code sha256:} entry holds). */
  public static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
