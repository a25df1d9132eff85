package dev.vxconnect.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server of the test's own: a fresh cluster made by {@code initdb} in a
 * directory of the caller's, listening on one loopback port only, with password (SCRAM)
 * authentication, stopped and deleted by {@link #close}. PostgreSQL refuses to run as root, so
 * under root its programs run as the {@code postgres} user (Debian's package creates it) and the
 * directory is handed to that user. Needs Debian's {@code postgresql} package (or the server
 * binaries on the PATH); without it, {@link #start} fails and says so.
 */
public final class PostgresServer implements AutoCloseable {

  public static final String USER = "postgres";
  private static final String SERVICE_USER = "postgres";

  private final Path bin;
  private final Path dir;
  private final int port;
  private final String password;
  private final boolean asServiceUser;

  private PostgresServer(Path bin, Path dir, int port, String password, boolean asServiceUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.password = password;
    this.asServiceUser = asServiceUser;
  }

  /**
   * Makes a new database cluster under {@code dir} (which must not exist yet) and starts it on
   * 127.0.0.1:{@code port}; the superuser {@link #USER} has {@code password}.
   */
  public static PostgresServer start(Path dir, int port, String password) throws IOException {
    Path bin =
        serverBinaries()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "PostgreSQL's server programs (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin"
                            + " or on the PATH: install them (Debian: apt-get install postgresql)"));
    boolean root = "root".equals(System.getProperty("user.name"));
    Files.createDirectories(dir);
    Path pwfile = dir.resolve("pwfile");
    Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
    if (root) {
      run(List.of("chown", "-R", SERVICE_USER, dir.toString()), dir, false);
    }
    PostgresServer server = new PostgresServer(bin, dir, port, password, root);
    server.pg(
        "initdb",
        "-D",
        server.data().toString(),
        "-U",
        USER,
        "--pwfile=" + pwfile,
        "-A",
        "scram-sha-256",
        "-E",
        "UTF8",
        "--no-sync",
        "--locale=C");
    Files.deleteIfExists(pwfile);
    server.startServer();
    return server;
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** Starts the server (again, after {@link #stopNow}) on the same port and data. */
  public void startServer() throws IOException {
    pg(
        "pg_ctl",
        "-D",
        data().toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=200",
        "start");
  }

  /** Stops the server at once, as a crash or a lost network would (immediate shutdown). */
  public void stopNow() throws IOException {
    pg("pg_ctl", "-D", data().toString(), "-m", "immediate", "-w", "stop");
  }

  /** Creates a database owned by the superuser. */
  public void createDatabase(String name) throws SQLException {
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
    }
  }

  /** A JDBC connection to one of its databases, as the superuser. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, password);
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public int port() {
    return port;
  }

  public String password() {
    return password;
  }

  /** Stops the server (fast shutdown) and deletes its directory. */
  @Override
  public void close() {
    try {
      pg("pg_ctl", "-D", data().toString(), "-m", "fast", "-w", "stop");
    } catch (IOException | RuntimeException e) {
      // already stopped (or never started): the directory goes anyway
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pg(String program, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    if (asServiceUser) {
      command.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    run(command, dir, true);
  }

  private static void run(List<String> command, Path dir, boolean logged) throws IOException {
    Path output = Files.createTempFile("postgres-", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within 120 s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command)
                + " failed (exit "
                + process.exitValue()
                + "): "
                + (logged ? Files.readString(output) : ""));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** The directory of initdb and pg_ctl: Debian's newest, else the PATH's. */
  private static Optional<Path> serverBinaries() {
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Optional<Path> newest =
            versions
                .map(v -> v.resolve("bin"))
                .filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max(Comparator.comparing(b -> versionOf(b.getParent())));
        if (newest.isPresent()) {
          return newest;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(entry);
      if (Files.isExecutable(candidate.resolve("initdb"))
          && Files.isExecutable(candidate.resolve("pg_ctl"))) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  private static int versionOf(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
