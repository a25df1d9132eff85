package dev.vxconnect.planner.spark;

import java.lang.reflect.Method;
import java.util.Set;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.SqlCommand;
import org.apache.spark.sql.catalyst.plans.logical.CompoundPlanStatement;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.CommandExecutionMode;

/**
 * Tells which commands change a session's own state — its conf, current namespace, temporary
 * views, functions and variables, added jars, cached tables; also the Catalog relations that change
 * it (CatalogState) — so that they are recorded and replayed when
 * another instance rebuilds the session. Queries, writes and changes to permanent objects (which
 * live in the shared catalog, if any) are not replayed: replaying them would repeat side effects.
 */
final class SessionStateChanges {

  /** Analyzed command classes that change only session state. */
  private static final Set<String> SESSION_COMMANDS =
      Set.of(
          "SetCommand",
          "ResetCommand",
          "SetCatalogAndNamespace",
          "SetCatalogCommand",
          "SetNamespaceCommand",
          "CreateTempViewUsing",
          "DropTempViewCommand",
          "CreateVariable",
          "SetVariable",
          "DropVariable",
          "AddJarsCommand",
          "AddFilesCommand",
          "AddArchivesCommand");

  /** Analyzed command classes that change session state when they act on temporary objects. */
  private static final Set<String> TEMPORARY_WHEN_FLAGGED =
      Set.of(
          "CreateViewCommand",
          "CreateFunctionCommand",
          "DropFunctionCommand",
          "CreateSQLFunctionCommand");

  /**
   * Parsed commands that never change session state: no need to analyze them here (analysis asks
   * the catalog, which is a round trip to the metastore with the Hive catalog, and the command is
   * analyzed again when it runs). A DROP TABLE is not one: it may name a temporary view.
   */
  static final Set<String> NEVER_SESSION_STATE =
      Set.of(
          "CreateTable",
          "CreateTableAsSelect",
          "ReplaceTable",
          "ReplaceTableAsSelect",
          "CreateNamespace",
          "DropNamespace",
          "ShowTables",
          "ShowNamespaces",
          "ShowViews",
          "ShowFunctions",
          "ShowColumns",
          "ShowCreateTable",
          "ShowPartitions",
          "ShowTableProperties",
          "DescribeRelation",
          "DescribeNamespace",
          "DescribeFunction",
          "DescribeColumn",
          "AnalyzeTable",
          "AnalyzeColumn");

  private SessionStateChanges() {}

  static boolean changesState(SparkSession session, Plan plan) {
    if (plan.hasRoot()) {
      // spark.catalog.setCurrentDatabase, dropTempView, cacheTable...: Catalog relations.
      return CatalogState.changingCatalogRelation(plan).isPresent();
    }
    if (!plan.hasCommand()) {
      return false;
    }
    Command command = plan.getCommand();
    return switch (command.getCommandTypeCase()) {
      case CREATE_DATAFRAME_VIEW,
          REGISTER_FUNCTION,
          REGISTER_TABLE_FUNCTION,
          REGISTER_DATA_SOURCE ->
          true;
      case SQL_COMMAND -> sqlChangesState(session, command.getSqlCommand());
      default -> false;
    };
  }

  private static boolean sqlChangesState(SparkSession session, SqlCommand command) {
    String sql = CatalogState.sqlText(command);
    LogicalPlan analyzed;
    try {
      LogicalPlan parsed = session.sessionState().sqlParser().parsePlan(sql);
      if (CatalogState.CACHE_COMMANDS.contains(CatalogState.commandName(parsed))) {
        return true; // CACHE TABLE, UNCACHE TABLE, CLEAR CACHE
      }
      if (parsed instanceof CompoundPlanStatement) {
        // A SQL script (BEGIN ... END): analyzing one runs it, and replaying one would repeat
        // every statement's side effects, so it is neither analyzed here nor replayed.
        return false;
      }
      if (!(parsed instanceof org.apache.spark.sql.catalyst.plans.logical.Command)
          || NEVER_SESSION_STATE.contains(parsed.getClass().getSimpleName())) {
        return false;
      }
      // Analysis only (SKIP): commands run later, once, through Spark's planner.
      analyzed = session.sessionState().executePlan(parsed, CommandExecutionMode.SKIP()).analyzed();
    } catch (Exception e) {
      // Not valid here: running it will fail the same way, and nothing will have changed.
      return false;
    }
    String name = analyzed.getClass().getSimpleName();
    if (SESSION_COMMANDS.contains(name)) {
      return true;
    }
    return TEMPORARY_WHEN_FLAGGED.contains(name) && actsOnTemporaryObject(analyzed);
  }

  private static boolean actsOnTemporaryObject(LogicalPlan command) {
    try {
      for (Method method : command.getClass().getMethods()) {
        if (method.getParameterCount() == 0 && method.getName().equals("isTemp")) {
          return (Boolean) method.invoke(command);
        }
        if (method.getParameterCount() == 0 && method.getName().equals("viewType")) {
          return !method.invoke(command).getClass().getSimpleName().startsWith("PersistedView");
        }
      }
    } catch (ReflectiveOperationException e) {
      return false;
    }
    return false;
  }
}
