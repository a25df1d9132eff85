package dev.vxconnect.e2e.sql;

import dev.vxconnect.e2e.support.E2ETestBase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("client-matrix")
class SmokeE2ETest extends E2ETestBase {

  @Test
  void selectOne() {
    check(s -> s.sql("select 1 as x"));
  }

  @Test
  void rangeAggregate() {
    check(s -> s.range(100_000).selectExpr("sum(id) as total", "count(*) as n"));
  }

  @Test
  void unresolvedColumn() {
    checkError(s -> s.sql("select nope from range(3)"));
  }
}
