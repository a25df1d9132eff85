package dev.vxconnect.e2e.support.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.coverage.ProtocolCases.Group;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Filter;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Project;
import org.apache.spark.connect.proto.Range;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Needs the client's relocated proto classes: server run only. */
@Tag("server-only")
class ProtocolCasesTest {

  @Test
  void groupsListTheProtocolsCases() {
    assertThat(Group.RPC.cases())
        .hasSize(11)
        .startsWith("ExecutePlan", "AnalyzePlan", "Config")
        .contains("ReattachExecute", "FetchErrorDetails", "CloneSession");
    assertThat(Group.RELATION.cases())
        .contains("read", "project", "sql", "range", "join")
        .doesNotHaveDuplicates();
    assertThat(Group.EXPRESSION.cases())
        .contains("literal", "unresolved_attribute", "unresolved_function");
    assertThat(Group.COMMAND.cases()).contains("sql_command", "write_operation");
    assertThat(Group.ANALYZE.cases()).contains("schema", "explain");
    assertThat(Group.CONFIG.cases())
        .containsExactlyInAnyOrder(
            "set", "get", "get_with_default", "get_option", "get_all", "unset", "is_modifiable");
  }

  @Test
  void findsCasesInNestedRepeatedAndMapFields() {
    Expression literal =
        Expression.newBuilder().setLiteral(Expression.Literal.newBuilder().setInteger(1)).build();
    Expression attribute =
        Expression.newBuilder()
            .setUnresolvedAttribute(
                Expression.UnresolvedAttribute.newBuilder().setUnparsedIdentifier("x"))
            .build();
    // The literal only in a map value, the attribute only in the second element of a list.
    Relation sql =
        Relation.newBuilder()
            .setSql(SQL.newBuilder().setQuery("select :a as x").putNamedArguments("a", literal))
            .build();
    Relation project =
        Relation.newBuilder()
            .setProject(
                Project.newBuilder()
                    .setInput(sql)
                    .addExpressions(
                        Expression.newBuilder()
                            .setExpressionString(
                                Expression.ExpressionString.newBuilder().setExpression("1")))
                    .addExpressions(attribute))
            .build();
    ExecutePlanRequest request =
        ExecutePlanRequest.newBuilder()
            .setSessionId("00000000-0000-0000-0000-000000000001")
            .setPlan(Plan.newBuilder().setRoot(project))
            .build();

    assertThat(ProtocolCases.casesIn(request))
        .containsExactlyInAnyOrder(
            "relation project",
            "relation sql",
            "expression expression_string",
            "expression unresolved_attribute",
            "expression literal");
  }

  @Test
  void walksPlansNestedDeeperThanTheStackWouldAllow() {
    Relation relation = Relation.newBuilder().setRange(Range.newBuilder().setEnd(10)).build();
    Expression condition =
        Expression.newBuilder()
            .setLiteral(Expression.Literal.newBuilder().setBoolean(true))
            .build();
    for (int i = 0; i < 20_000; i++) {
      relation =
          Relation.newBuilder()
              .setFilter(Filter.newBuilder().setInput(relation).setCondition(condition))
              .build();
    }

    assertThat(ProtocolCases.casesIn(relation))
        .containsExactlyInAnyOrder("relation filter", "relation range", "expression literal");
  }
}
