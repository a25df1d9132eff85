package dev.vxconnect.e2e.sql;

import dev.vxconnect.e2e.support.E2ETestBase;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** SQL joins of every kind over two small temp views with duplicates and null keys. */
@Tag("client-matrix")
class SqlJoinsE2ETest extends E2ETestBase {

  @BeforeEach
  void views() {
    createViews(spark);
  }

  static void createViews(SparkSession s) {
    s.sql(
        """
        create or replace temp view emp as select * from values
          (1, 'Alice', 10, 5000.50),
          (2, 'Bob', 20, 4200.00),
          (3, 'Carol', 10, 6100.25),
          (4, 'Dan', null, 3900.00),
          (5, 'Eve', 30, 7000.75),
          (6, 'Frank', 20, 4300.00)
          as t(id, name, dept_id, salary)""");
    s.sql(
        """
        create or replace temp view dept as select * from values
          (10, 'Engineering', 'Paris'),
          (20, 'Sales', 'Berlin'),
          (40, 'Legal', 'Rome'),
          (null, 'Nowhere', 'Atlantis')
          as t(dept_id, dept_name, city)""");
  }

  @Test
  void innerJoin() {
    check(s -> s.sql("select e.name, d.dept_name from emp e join dept d on e.dept_id = d.dept_id"));
    check(
        s ->
            s.sql(
                "select e.name, d.dept_name from emp e, dept d where e.dept_id = d.dept_id and e.salary > 4500"));
  }

  @Test
  void leftOuterJoin() {
    check(
        s ->
            s.sql(
                "select e.id, e.name, d.dept_name, d.city from emp e left join dept d on e.dept_id = d.dept_id"));
  }

  @Test
  void rightOuterJoin() {
    check(
        s ->
            s.sql(
                "select e.name, d.dept_id, d.dept_name from emp e right outer join dept d on e.dept_id = d.dept_id"));
  }

  @Test
  void fullOuterJoin() {
    check(
        s ->
            s.sql(
                """
        select coalesce(e.dept_id, d.dept_id) as k, e.name, d.dept_name
        from emp e full outer join dept d on e.dept_id = d.dept_id"""));
  }

  @Test
  void leftSemiAndAntiJoin() {
    check(s -> s.sql("select * from emp e left semi join dept d on e.dept_id = d.dept_id"));
    check(s -> s.sql("select * from emp e left anti join dept d on e.dept_id = d.dept_id"));
    check(s -> s.sql("select * from dept d left anti join emp e on e.dept_id = d.dept_id"));
  }

  @Test
  void crossJoin() {
    check(s -> s.sql("select e.id, d.dept_name from emp e cross join dept d where e.id <= 2"));
  }

  @Test
  void joinUsingAndNatural() {
    check(s -> s.sql("select dept_id, name, dept_name from emp join dept using (dept_id)"));
    check(s -> s.sql("select * from emp natural join dept"));
  }

  @Test
  void nullSafeEqualityAndNonEquiJoin() {
    check(
        s -> s.sql("select e.name, d.dept_name from emp e join dept d on e.dept_id <=> d.dept_id"));
    check(
        s ->
            s.sql(
                """
        select a.name as lower_paid, b.name as higher_paid
        from emp a join emp b on a.salary < b.salary and a.dept_id = b.dept_id"""));
  }

  @Test
  void multiWayJoinWithAggregation() {
    check(
        s ->
            s.sql(
                """
        select d.city, count(e.id) as n, sum(e.salary) as total, max(m.name) as top
        from dept d
        left join emp e on e.dept_id = d.dept_id
        left join (select dept_id, max_by(name, salary) as name from emp group by dept_id) m
          on m.dept_id = d.dept_id
        group by d.city"""));
  }

  @Test
  void lateralJoin() {
    check(
        s ->
            s.sql(
                """
        select e.name, x.doubled
        from emp e, lateral (select e.salary * 2 as doubled) x
        where e.id < 4"""));
  }
}
