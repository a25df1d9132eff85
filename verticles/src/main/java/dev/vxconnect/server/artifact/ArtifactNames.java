package dev.vxconnect.server.artifact;

import dev.vxconnect.planner.SparkErrors;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Checks artifact names from clients: a relative path under one of the kinds Spark knows, with no
 * way out of the session's directory (no "..", no absolute path, no empty or odd segments), and
 * an archive's unpack directory (after '#') one plain name.
 */
public final class ArtifactNames {

  private static final Set<String> KINDS =
      Set.of("jars", "classes", "pyfiles", "archives", "files", "cache", "forward_to_fs");
  private static final int MAX_LENGTH = 4096;

  private ArtifactNames() {}

  /**
   * The name as a path relative to the session's staging directory.
   *
   * @throws RuntimeException INVALID_ARTIFACT_PATH when the name could escape or is malformed
   */
  public static Path check(String name) {
    String path =
        name.startsWith("archives/") && name.indexOf('#') >= 0
            ? name.substring(0, name.indexOf('#'))
            : name;
    if (path.isEmpty()
        || path.length() > MAX_LENGTH
        || path.startsWith("/")
        || path.contains("\\")
        || path.contains("\0")) {
      throw invalid(name);
    }
    String[] segments = path.split("/", -1);
    if (segments.length < 2 || !KINDS.contains(segments[0])) {
      throw invalid(name);
    }
    if (segments[0].equals("cache") && segments.length != 2) {
      // A cache entry is named by its hash: one segment.
      throw invalid(name);
    }
    if (path.length() < name.length() && !isPlainSegment(name.substring(path.length() + 1))) {
      // "archives/x.zip#dir": executors unpack the archive into dir, which must stay where it is.
      throw invalid(name);
    }
    for (String segment : segments) {
      // "~" is a home directory to shells and to some path resolvers; Spark's file server could
      // not serve a pyfile under it to the executors (found by the fuzz test).
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.equals("~")) {
        throw invalid(name);
      }
    }
    try {
      Path relative = Path.of(path).normalize();
      if (relative.isAbsolute() || relative.startsWith("..")) {
        throw invalid(name);
      }
      return relative;
    } catch (InvalidPathException e) {
      throw invalid(name);
    }
  }

  private static boolean isPlainSegment(String segment) {
    return !segment.isEmpty()
        && !segment.equals(".")
        && !segment.equals("..")
        && segment.indexOf('/') < 0
        && segment.indexOf('\\') < 0
        && segment.indexOf('\0') < 0
        && segment.indexOf(':') < 0;
  }

  private static RuntimeException invalid(String name) {
    return SparkErrors.raise("INVALID_ARTIFACT_PATH", Map.of("name", name));
  }
}
