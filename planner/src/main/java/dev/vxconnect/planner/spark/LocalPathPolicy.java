package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.ServerError;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.connect.proto.WriteStreamOperationStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.CreateDataSourceTableAsSelectCommand;
import org.apache.spark.sql.execution.command.CreateDataSourceTableCommand;
import org.apache.spark.sql.execution.command.InsertIntoDataSourceDirCommand;
import org.apache.spark.sql.execution.command.LoadDataCommand;
import org.apache.spark.sql.execution.datasources.CreateTable;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.InsertIntoHadoopFsRelationCommand;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.streaming.runtime.StreamingRelation;
import scala.Function1;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;

/**
 * Keeps sessions' file data sources off the server's own files ({@code
 * vxconnect.sources.allowedLocalPaths}): every path a plan reads through a file source, writes to,
 * or gives a table as its location must be on a file system other than the driver's local one, or
 * under one of the allowed directories or the warehouse (streaming file sources included). A Spark
 * check rule: it sees every analyzed plan (SQL and DataFrames alike, commands included) before it
 * runs. A streaming query's sink path and checkpoint location are in no plan and are written as
 * the query starts, before its plan is analyzed: {@link #checkStreamingSink} checks them from the
 * command. Paths are compared after resolving symbolic links, so a link inside an allowed directory
 * cannot lead out of it.
 */
final class LocalPathPolicy {

  static final String NOT_ALLOWED = "VXCONNECT_LOCAL_PATH_NOT_ALLOWED";
  private static final String CHECKPOINT_ROOT = "spark.sql.streaming.checkpointLocation";

  private final List<Path> allowed;

  private LocalPathPolicy(List<Path> allowed) {
    this.allowed = allowed.stream().map(LocalPathPolicy::real).toList();
  }

  /** The policy for these directories, or none when no directory is given (sessions may use any path). */
  static Optional<LocalPathPolicy> of(List<Path> allowedDirectories) {
    return allowedDirectories.isEmpty()
        ? Optional.empty()
        : Optional.of(new LocalPathPolicy(allowedDirectories));
  }

  /** Adds the rule to the sessions built with {@code extensions}. */
  void install(SparkSessionExtensions extensions) {
    extensions.injectCheckRule(
        session ->
            (Function1<LogicalPlan, BoxedUnit>)
                plan -> {
                  check(plan, session);
                  return BoxedUnit.UNIT;
                });
  }

  /**
   * Checks where a streaming query about to start writes: its sink path (the file sink creates its
   * metadata directory as it is built) and its checkpoint location, or the session's default
   * checkpoint root when it names none.
   */
  void checkStreamingSink(WriteStreamOperationStart write, SparkSession session) {
    List<String> paths = new ArrayList<>();
    if (write.hasPath()) {
      paths.add(write.getPath());
    }
    option(write, "path").ifPresent(paths::add);
    Optional<String> checkpoint = option(write, "checkpointLocation");
    Option<String> checkpointRoot = session.conf().getOption(CHECKPOINT_ROOT);
    if (checkpoint.isPresent()) {
      paths.add(checkpoint.get());
    } else if (checkpointRoot.isDefined()) {
      paths.add(checkpointRoot.get());
    }
    for (String path : paths) {
      require(new org.apache.hadoop.fs.Path(path).toUri(), session);
    }
  }

  /** A data source option, whose keys Spark reads case-insensitively. */
  private static Optional<String> option(WriteStreamOperationStart write, String key) {
    return write.getOptionsMap().entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(key))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** Runs on every analyzed plan: nothing is looked up unless a node names a path. */
  private void check(LogicalPlan plan, SparkSession session) {
    plan.foreachWithSubqueries(
        node -> {
          for (URI uri : paths(node)) {
            require(uri, session);
          }
          return BoxedUnit.UNIT;
        });
  }

  /** The paths a plan node reads, writes or names as a location. */
  private static List<URI> paths(LogicalPlan node) {
    List<URI> paths = new ArrayList<>();
    if (node instanceof LogicalRelation relation
        && relation.relation() instanceof HadoopFsRelation files) {
      CollectionConverters.asJava(files.location().rootPaths()).forEach(p -> paths.add(p.toUri()));
    } else if (node instanceof InsertIntoHadoopFsRelationCommand insert) {
      paths.add(insert.outputPath().toUri());
    } else if (node instanceof InsertIntoDataSourceDirCommand directory) {
      addLocation(paths, directory.storage().locationUri());
    } else if (node instanceof CreateDataSourceTableAsSelectCommand ctas) {
      addLocation(paths, ctas.table());
    } else if (node instanceof CreateDataSourceTableCommand create) {
      addLocation(paths, create.table());
    } else if (node instanceof CreateTable create) {
      addLocation(paths, create.tableDesc());
    } else if (node instanceof StreamingRelation stream) {
      // A streaming source reading files: its path option (and paths, as a batch source has).
      Option<String> path = stream.dataSource().options().get("path");
      if (path.isDefined()) {
        paths.add(new org.apache.hadoop.fs.Path(path.get()).toUri());
      }
      CollectionConverters.asJava(stream.dataSource().paths())
          .forEach(p -> paths.add(new org.apache.hadoop.fs.Path(p).toUri()));
    } else if (node instanceof LoadDataCommand load) {
      paths.add(
          load.isLocal()
              ? Paths.get(load.path()).toUri()
              : new org.apache.hadoop.fs.Path(load.path()).toUri());
    }
    return paths;
  }

  private static void addLocation(List<URI> paths, CatalogTable table) {
    addLocation(paths, table.storage().locationUri());
  }

  private static void addLocation(List<URI> paths, Option<URI> location) {
    if (location.isDefined()) {
      paths.add(location.get());
    }
  }

  private void require(URI uri, SparkSession session) {
    // Paths of relations are qualified; a bare one is on the default file system.
    String scheme =
        uri.getScheme() != null
            ? uri.getScheme()
            : FileSystem.getDefaultUri(session.sessionState().newHadoopConf()).getScheme();
    if (scheme != null && !scheme.equals("file")) {
      return;
    }
    String warehouse = session.sessionState().conf().warehousePath();
    Path path = real(Paths.get(uri.getPath()));
    if (allowed.stream().anyMatch(path::startsWith) || isUnder(path, warehouse)) {
      return;
    }
    throw new ServerError(
        NOT_ALLOWED,
        "42501",
        "The path "
            + uri
            + " is on the server's local file"
            + " system, outside the directories sessions may read and write (vxconnect.sources.allowedLocalPaths: "
            + allowed
            + ", and the warehouse "
            + warehouse
            + ").");
  }

  private static boolean isUnder(Path path, String warehouse) {
    URI location = new org.apache.hadoop.fs.Path(warehouse).toUri();
    return (location.getScheme() == null || location.getScheme().equals("file"))
        && path.startsWith(real(Paths.get(location.getPath())));
  }

  /**
   * The absolute, normalized path with the symbolic links of its existing part resolved: where it
   * really is, or will be once created.
   */
  static Path real(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute));
    } catch (IOException e) {
      return absolute;
    }
  }
}
