package dev.vxconnect.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Class data sharing for test servers. A verify starts some eighty servers, each of which loads,
 * parses and verifies the same tens of thousands of classes of Spark, Hazelcast and Vert.x on two
 * shared cores. One throwaway server per build of the jars archives the classes it loaded
 * (-XX:ArchiveClassesAtExit, at its exit); every later start maps that archive instead
 * (-XX:SharedArchiveFile). The archive is named after the JDK and the jars, so a rebuilt jar gets
 * a new one; the JVM itself refuses an archive that does not match and starts without it.
 * Nothing else about the servers changes: same classes, same flags, same behaviour. Apache Spark's
 * own Connect server, started by some tests from the same jars, gets an archive of its own (see
 * {@link Kind}).
 *
 * <p>It lives beside the jars it is made of, in verticles/target/class-archive/ with its server's
 * log. The server module's build makes it ({@link #main}, right after the jars, while the oracle
 * still runs); a test JVM that finds none makes it at its first server start.
 */
final class ClassArchive {

  /** How long the archiving server may take to stop and write the archive. */
  private static final Duration DUMP_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The servers an archive is made for. Apache Spark's own Connect server (parity, limits and
   * hibernation tests) runs from the same jars but with a class path of its own, which an archive
   * must match: it gets its own, 3.4 CPU s a start instead of 6.0 (measured on 2 cores).
   */
  enum Kind {
    VXCONNECT("server", "class-archive"),
    SPARK("spark-server", "spark-class-archive");

    /** The archive's file name before the build's fingerprint. */
    private final String prefix;

    /** The archiving server's name (its log, warehouse and CPU record). */
    private final String dumper;

    Kind(String prefix, String dumper) {
      this.prefix = prefix;
      this.dumper = dumper;
    }
  }

  /** What each archive adds to a server's JVM options, or empty when there is none. */
  private static final Map<Kind, Optional<String>> OPTIONS = new EnumMap<>(Kind.class);

  private ClassArchive() {}

  /**
   * Makes the archives of the build whose repository root is {@code args[0]}, unless they exist. A
   * build step, not a test: a server that cannot archive only leaves the test servers to start
   * without, as they would anyway, so it never fails the build; it says why.
   */
  public static void main(String[] args) {
    Path home = Path.of(args[0]).toAbsolutePath().normalize();
    for (Kind kind : Kind.values()) {
      System.out.println(
          archive(home, kind)
              .map(file -> "testkit: test servers map the class archive " + file)
              .orElse(
                  "testkit: no " + kind.prefix + " class archive; its servers start without one"));
    }
  }

  /** The JVM options that map this build's archive for {@code kind}, creating it on first use. */
  static synchronized Optional<String> options(Path home, Kind kind) {
    return OPTIONS.computeIfAbsent(
        kind, k -> archive(home, k).map(file -> "-XX:SharedArchiveFile=" + file));
  }

  private static Optional<Path> archive(Path home, Kind kind) {
    try {
      Path dir = Files.createDirectories(home.resolve("verticles/target/class-archive"));
      String name = kind.prefix + "-" + fingerprint(home);
      // One archiving server per build, not one per test JVM: the parallel run's two forks start
      // at once, and making the archive twice cost each 22-30 CPU s while their first classes
      // waited. The other fork waits for the lock, then finds the archive.
      try (FileChannel lock =
              FileChannel.open(
                  dir.resolve(name + ".lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock held = lock.lock()) {
        return existingOrMade(home, dir, name, kind);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("testkit: test servers start without a class archive: " + e);
    }
    return Optional.empty();
  }

  /** The archive of this build, made now by a throwaway server if no JVM made it before. */
  private static Optional<Path> existingOrMade(Path home, Path dir, String name, Kind kind)
      throws IOException {
    Path archive = dir.resolve(name + ".jsa");
    Path failed = dir.resolve(name + ".failed");
    if (Files.exists(archive)) {
      return Optional.of(archive);
    }
    if (Files.exists(failed)) {
      return Optional.empty();
    }
    Path partial = dir.resolve(name + "." + ProcessHandle.current().pid() + ".part");
    String archiveAtExit = "-XX:ArchiveClassesAtExit=" + partial;
    // Started and stopped gracefully: the JVM writes the archive as it exits, after its stop. Not
    // ServerProcess.close(), whose SIGKILL after 60 s came before the archive was written on a
    // loaded machine (SIGTERM to archive written: 59 s once at load 17, 2.5 min at load 19; killed
    // at load 10 and 15, and every later server of those runs started without one).
    ServerProcess dumper =
        switch (kind) {
          // With the test JVM's VXCONNECT_JAVA_OPTS, as its servers; the defaults warm up (tests'
          // servers turn that off), so that the classes of the first queries are archived too.
          case VXCONNECT ->
              ServerProcess.launch(
                  home,
                  dir,
                  kind.dumper,
                  dumperArgs(dir, kind.dumper),
                  Map.of(
                      "VXCONNECT_JAVA_OPTS",
                      System.getenv()
                              .getOrDefault("VXCONNECT_JAVA_OPTS", ServerProcess.QUICK_JAVA_OPTS)
                          + " "
                          + archiveAtExit,
                      ServerCluster.SECRET_VARIABLE,
                      UUID.randomUUID() + "-" + UUID.randomUUID()));
          // With the options SparkServerProcess.start always gives Spark's servers.
          case SPARK ->
              SparkServerProcess.launch(
                  home,
                  dir,
                  kind.dumper,
                  List.of(),
                  List.of((ServerProcess.QUICK_JAVA_OPTS + " " + archiveAtExit).split(" ")));
        };
    boolean exited = false;
    try {
      dumper.terminate();
      exited = dumper.awaitExit(DUMP_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      dumper.kill9Quietly();
    }
    if (!exited) {
      // A killed dump may have left half a file.
      Files.deleteIfExists(partial);
      System.err.println("testkit: the class archive was not written within " + DUMP_TIMEOUT);
    }
    if (Files.exists(partial)) {
      Files.move(
          partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return Optional.of(archive);
    }
    Files.writeString(failed, "the JVM wrote no archive; see " + dir.resolve(kind.dumper + ".log"));
    return Optional.empty();
  }

  /**
   * The archiving server's arguments: a test server's, as a cluster of one with its admin port
   * open. Half the test servers are cluster members (ServerCluster), and a standalone server loads
   * none of Hazelcast's classes: archived, they make a member's start 4.8-5.3 CPU s instead of
   * 5.6-6.6 (measured on 2 cores). A standalone server maps them and never loads them.
   */
  private static List<String> dumperArgs(Path dir, String name) {
    int clusterPort = FreePort.find();
    List<String> args = ServerProcess.defaults(dir, name, FreePort.find());
    for (String conf :
        List.of(
            "vxconnect.cluster.enabled=true",
            "vxconnect.cluster.port=" + clusterPort,
            "vxconnect.cluster.members=127.0.0.1:" + clusterPort,
            "vxconnect.admin.port=" + FreePort.find())) {
      args.add("--conf");
      args.add(conf);
    }
    return args;
  }

  /** The JDK and every jar bin/vxconnect puts on the class path, by name, size and time. */
  private static String fingerprint(Path home) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(System.getProperty("java.home").getBytes());
      digest.update(Runtime.version().toString().getBytes());
      Path server = home.resolve("verticles/target");
      try (Stream<Path> jars =
          Stream.concat(
              Stream.of(server.resolve("vxconnect-server.jar")),
              Files.exists(server.resolve("lib"))
                  ? Files.list(server.resolve("lib"))
                  : Stream.empty())) {
        for (Path jar : jars.sorted().toList()) {
          digest.update(
              (jar.getFileName()
                      + ":"
                      + Files.size(jar)
                      + ":"
                      + Files.getLastModifiedTime(jar).toMillis()
                      + "\n")
                  .getBytes());
        }
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
