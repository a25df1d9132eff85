package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.CatalogEffect;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.connect.proto.Catalog;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SqlCommand;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.plans.logical.CacheTable;
import org.apache.spark.sql.catalyst.plans.logical.CacheTableAsSelect;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.UncacheTable;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connector.catalog.CatalogManager;
import org.sparkproject.connect.protobuf.Descriptors;
import org.sparkproject.connect.protobuf.Message;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The session's catalog state set through the catalog API and its SQL forms: the current catalog
 * and namespace, dropped temporary views, cached tables. Tells which Catalog relations change it
 * (they arrive as query roots, e.g. {@code spark.catalog.dropTempView} is a Limit over a
 * DropTempView), what a change did (so that the session's record keeps only what is in force), and
 * replays caches lazily.
 */
final class CatalogState {

  /** Catalog relations that change the session's state (the planner runs them as it reads them). */
  static final Set<Catalog.CatTypeCase> CHANGING =
      Set.of(
          Catalog.CatTypeCase.SET_CURRENT_DATABASE,
          Catalog.CatTypeCase.SET_CURRENT_CATALOG,
          Catalog.CatTypeCase.DROP_TEMP_VIEW,
          Catalog.CatTypeCase.DROP_GLOBAL_TEMP_VIEW,
          Catalog.CatTypeCase.CACHE_TABLE,
          Catalog.CatTypeCase.UNCACHE_TABLE,
          Catalog.CatTypeCase.CLEAR_CACHE);

  /** Parsed SQL commands that cache or uncache (no need to analyze them to know). */
  static final Set<String> CACHE_COMMANDS =
      Set.of("CacheTable", "CacheTableAsSelect", "UncacheTable", "ClearCacheCommand");

  /** Parsed SQL commands that set the current catalog or namespace. */
  private static final Set<String> NAMESPACE_COMMANDS =
      Set.of("SetCatalogAndNamespace", "SetCatalogCommand", "SetNamespaceCommand");

  private CatalogState() {}

  /**
   * The state-changing Catalog relation that {@code plan}'s root is, or reads through relations
   * with one input (the official clients send it bare, or under the Limit of {@code head()}), if
   * any. Asked of every query: it looks down one chain of inputs, not through the whole plan.
   */
  static Optional<Catalog> changingCatalogRelation(Plan plan) {
    if (!plan.hasRoot()) {
      return Optional.empty();
    }
    Relation relation = plan.getRoot();
    for (int depth = 0; depth < 100; depth++) {
      if (relation.hasCatalog()) {
        Catalog catalog = relation.getCatalog();
        return CHANGING.contains(catalog.getCatTypeCase())
            ? Optional.of(catalog)
            : Optional.empty();
      }
      Optional<Relation> input = input(relation);
      if (input.isEmpty()) {
        return Optional.empty();
      }
      relation = input.get();
    }
    return Optional.empty();
  }

  /** The {@code input} relation of a relation that has one (Limit, Project, Filter...). */
  private static Optional<Relation> input(Relation relation) {
    if (relation.getRelTypeCase() == Relation.RelTypeCase.RELTYPE_NOT_SET) {
      return Optional.empty();
    }
    Descriptors.FieldDescriptor kind =
        relation.getDescriptorForType().findFieldByNumber(relation.getRelTypeCase().getNumber());
    if (kind == null || kind.getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE) {
      return Optional.empty();
    }
    Message body = (Message) relation.getField(kind);
    Descriptors.FieldDescriptor input = body.getDescriptorForType().findFieldByName("input");
    if (input == null
        || input.isRepeated()
        || input.getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE
        || !body.hasField(input)
        || !(body.getField(input) instanceof Relation child)) {
      return Optional.empty();
    }
    return Optional.of(child);
  }

  /** The SQL text of a SqlCommand (its input relation's, or the deprecated field). */
  static String sqlText(SqlCommand command) {
    return command.hasInput() && command.getInput().hasSql()
        ? command.getInput().getSql().getQuery()
        : command.getSql();
  }

  private static boolean hasArguments(SqlCommand command) {
    if (command.hasInput() && command.getInput().hasSql()) {
      SQL sql = command.getInput().getSql();
      return sql.getArgsCount()
              + sql.getPosArgsCount()
              + sql.getNamedArgumentsCount()
              + sql.getPosArgumentsCount()
          > 0;
    }
    return command.getArgsCount()
            + command.getPosArgsCount()
            + command.getNamedArgumentsCount()
            + command.getPosArgumentsCount()
        > 0;
  }

  /** What {@code plan}, which has just run, did to the catalog state (see CatalogEffect). */
  static Optional<CatalogEffect> effect(SparkSession spark, Plan plan) {
    Optional<Catalog> relation = changingCatalogRelation(plan);
    if (relation.isPresent()) {
      Catalog catalog = relation.get();
      return switch (catalog.getCatTypeCase()) {
        case SET_CURRENT_DATABASE, SET_CURRENT_CATALOG -> Optional.of(currentNamespace(spark));
        case CACHE_TABLE ->
            resolve(spark, catalog.getCacheTable().getTableName())
                .map(name -> CatalogEffect.onCache(CatalogEffect.Kind.CACHE, name));
        case UNCACHE_TABLE ->
            resolve(spark, catalog.getUncacheTable().getTableName())
                .map(name -> CatalogEffect.onCache(CatalogEffect.Kind.UNCACHE, name));
        case CLEAR_CACHE -> Optional.of(CatalogEffect.onCache(CatalogEffect.Kind.CLEAR_CACHE, ""));
        default -> Optional.empty();
      };
    }
    if (!plan.hasCommand() || !plan.getCommand().hasSqlCommand()) {
      return Optional.empty();
    }
    LogicalPlan parsed;
    try {
      parsed =
          spark.sessionState().sqlParser().parsePlan(sqlText(plan.getCommand().getSqlCommand()));
    } catch (Exception e) {
      return Optional.empty();
    }
    String kind = commandName(parsed);
    if (NAMESPACE_COMMANDS.contains(kind)) {
      return Optional.of(currentNamespace(spark));
    }
    if (parsed instanceof CacheTable cache) {
      return resolve(spark, quoted(CollectionConverters.asJava(cache.multipartIdentifier())))
          .map(name -> CatalogEffect.onCache(CatalogEffect.Kind.CACHE, name));
    }
    if (parsed instanceof CacheTableAsSelect cache) {
      return resolve(spark, quoted(List.of(cache.tempViewName())))
          .map(name -> CatalogEffect.onCache(CatalogEffect.Kind.CACHE_WITH_VIEW, name));
    }
    if (parsed instanceof UncacheTable uncache
        && uncache.table() instanceof UnresolvedRelation table) {
      return resolve(spark, quoted(CollectionConverters.asJava(table.multipartIdentifier())))
          .map(name -> CatalogEffect.onCache(CatalogEffect.Kind.UNCACHE, name));
    }
    if (kind.equals("ClearCacheCommand")) {
      return Optional.of(CatalogEffect.onCache(CatalogEffect.Kind.CLEAR_CACHE, ""));
    }
    return Optional.empty();
  }

  /** A parsed command's class name; a Scala case object's without its '$' (CLEAR CACHE). */
  static String commandName(LogicalPlan parsed) {
    String name = parsed.getClass().getSimpleName();
    return name.endsWith("$") ? name.substring(0, name.length() - 1) : name;
  }

  private static CatalogEffect currentNamespace(SparkSession spark) {
    CatalogManager catalogs = spark.sessionState().catalogManager();
    return CatalogEffect.currentNamespace(
        catalogs.currentCatalog().name(), Arrays.asList(catalogs.currentNamespace()));
  }

  /**
   * The name Spark resolves {@code name} to now, quoted and qualified (a temporary view by its own
   * name, a table with its catalog and namespace), so that one object always gets one name whatever
   * the current namespace was; empty when it does not resolve.
   */
  static Optional<String> resolve(SparkSession spark, String name) {
    try {
      LogicalPlan analyzed = spark.table(name).queryExecution().analyzed();
      if (!(analyzed instanceof SubqueryAlias alias)) {
        return Optional.empty();
      }
      List<String> parts =
          new ArrayList<>(CollectionConverters.asJava(alias.identifier().qualifier()));
      parts.add(alias.identifier().name());
      boolean caseSensitive = spark.sessionState().conf().caseSensitiveAnalysis();
      return Optional.of(
          quoted(
              caseSensitive
                  ? parts
                  : parts.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  static String quoted(List<String> parts) {
    return parts.stream()
        .map(p -> "`" + p.replace("`", "``") + "`")
        .collect(Collectors.joining("."));
  }

  /**
   * The lazy form of a SQL CACHE TABLE that {@code command} runs ({@code CACHE LAZY TABLE}), or
   * empty when it runs something else (or has parameters: it is then replayed as it came).
   */
  static Optional<LogicalPlan> lazyCache(SparkSession spark, SqlCommand command) {
    if (hasArguments(command)) {
      return Optional.empty();
    }
    LogicalPlan parsed;
    try {
      parsed = spark.sessionState().sqlParser().parsePlan(sqlText(command));
    } catch (Exception e) {
      return Optional.empty();
    }
    if (parsed instanceof CacheTable c && !c.isLazy()) {
      return Optional.of(
          new CacheTable(c.table(), c.multipartIdentifier(), true, c.options(), c.isAnalyzed()));
    }
    if (parsed instanceof CacheTableAsSelect c && !c.isLazy()) {
      return Optional.of(
          new CacheTableAsSelect(
              c.tempViewName(),
              c.plan(),
              c.originalText(),
              true,
              c.options(),
              c.isAnalyzed(),
              c.referredTempFunctions()));
    }
    return Optional.empty();
  }
}
