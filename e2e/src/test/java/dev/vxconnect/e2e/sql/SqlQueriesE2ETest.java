package dev.vxconnect.e2e.sql;

import dev.vxconnect.e2e.support.E2ETestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SQL query shapes: CTEs, subqueries, set operations, grouping analytics, pivots, generators. */
class SqlQueriesE2ETest extends E2ETestBase {

  @BeforeEach
  void views() {
    SqlJoinsE2ETest.createViews(spark);
    spark.sql(
        """
        create or replace temp view orders as select * from values
          (1, 'Alice', 'book', 2023, 12.50, 2),
          (2, 'Alice', 'pen', 2023, 1.20, 10),
          (3, 'Bob', 'book', 2023, 15.00, 1),
          (4, 'Bob', 'lamp', 2024, 40.00, 1),
          (5, 'Carol', 'pen', 2024, 1.10, 5),
          (6, 'Carol', 'book', 2024, 9.99, 3),
          (7, 'Alice', 'lamp', 2024, 35.00, 2),
          (8, 'Dan', null, 2024, 3.00, 1)
          as t(order_id, customer, product, year, price, qty)""");
  }

  @Test
  void commonTableExpressions() {
    check(
        s ->
            s.sql(
                """
        with totals as (select customer, sum(price * qty) as spent from orders group by customer),
             big as (select * from totals where spent > 30)
        select b.customer, b.spent, (select count(*) from totals) as customers from big b"""));
    check(
        s ->
            s.sql(
                """
        with a as (select 1 as x), b as (with c as (select x + 1 as y from a) select y * 10 as z from c)
        select * from a cross join b"""));
  }

  @Test
  void recursiveCte() {
    checkOrdered(
        s ->
            s.sql(
                """
        with recursive fib(n, a, b) as (
          select 1, 0L, 1L
          union all
          select n + 1, b, a + b from fib where n < 30)
        select n, a from fib order by n"""));
    check(
        s ->
            s.sql(
                """
        with recursive tree(id, parent, depth) as (
          select id, parent, 0 from values (1, null), (2, 1), (3, 1), (4, 2), (5, 4) as t(id, parent)
            where parent is null
          union all
          select c.id, c.parent, tree.depth + 1
          from values (1, null), (2, 1), (3, 1), (4, 2), (5, 4) as c(id, parent)
          join tree on c.parent = tree.id)
        select * from tree"""));
  }

  @Test
  void scalarAndCorrelatedSubqueries() {
    check(
        s ->
            s.sql(
                """
        select name, salary, (select avg(salary) from emp) as avg_all,
               (select max(salary) from emp i where i.dept_id = o.dept_id) as max_in_dept
        from emp o"""));
    check(
        s ->
            s.sql(
                "select name from emp o where salary > (select avg(salary) from emp i where i.dept_id = o.dept_id)"));
  }

  @Test
  void inAndExistsSubqueries() {
    check(
        s ->
            s.sql(
                "select name from emp where dept_id in (select dept_id from dept where city <> 'Rome')"));
    check(
        s ->
            s.sql(
                "select name from emp where dept_id not in (select dept_id from dept where dept_id is not null)"));
    check(
        s ->
            s.sql(
                "select dept_name from dept d where exists (select 1 from emp e where e.dept_id = d.dept_id)"));
    check(
        s ->
            s.sql(
                "select dept_name from dept d where not exists (select 1 from emp e where e.dept_id = d.dept_id)"));
  }

  @Test
  void setOperations() {
    check(s -> s.sql("select customer from orders union select name from emp"));
    check(s -> s.sql("select customer from orders union all select name from emp"));
    check(s -> s.sql("select customer from orders intersect select name from emp"));
    check(
        s ->
            s.sql(
                "select customer from orders intersect all select customer from orders where qty > 1"));
    check(s -> s.sql("select name from emp except select customer from orders"));
    check(
        s ->
            s.sql(
                "select customer from orders except all select customer from orders where year = 2024"));
  }

  @Test
  void groupingSets() {
    check(
        s ->
            s.sql(
                """
        select customer, year, sum(qty) as q, grouping_id() as gid
        from orders group by grouping sets ((customer, year), (customer), ())"""));
  }

  @Test
  void rollupAndCube() {
    check(
        s ->
            s.sql(
                """
        select year, product, sum(price * qty) as revenue, grouping(product) as gp
        from orders group by rollup(year, product)"""));
    check(
        s ->
            s.sql(
                """
        select year, customer, count(*) as n from orders group by cube(year, customer)"""));
  }

  @Test
  void pivotAndUnpivot() {
    check(
        s ->
            s.sql(
                """
        select * from (select customer, year, qty from orders)
        pivot (sum(qty) as total for year in (2023 as y2023, 2024 as y2024))"""));
    check(
        s ->
            s.sql(
                """
        select * from (select 'a' as k, 1 as q1, 2 as q2, cast(null as int) as q3)
        unpivot include nulls (val for quarter in (q1, q2, q3))"""));
    check(
        s ->
            s.sql(
                """
        select * from (select 'a' as k, 1 as q1, 2 as q2, cast(null as int) as q3)
        unpivot (val for quarter in (q1 as first, q2 as second, q3))"""));
  }

  @Test
  void generatorsAndLateralView() {
    check(
        s ->
            s.sql(
                """
        select id, tag from values (1, array('x', 'y')), (2, array()), (3, null) as t(id, tags)
        lateral view explode(tags) e as tag"""));
    check(
        s ->
            s.sql(
                """
        select id, pos, tag from values (1, array('x', 'y')), (2, array()), (3, null) as t(id, tags)
        lateral view outer posexplode(tags) e as pos, tag"""));
    check(s -> s.sql("select inline(array(struct(1, 'a'), struct(2, 'b')))"));
    check(s -> s.sql("select stack(3, 'a', 1, 'b', 2, 'c', 3) as (letter, num)"));
  }

  @Test
  void orderLimitOffsetAndNulls() {
    checkOrdered(
        s ->
            s.sql(
                "select order_id, product from orders order by product asc nulls first, order_id limit 5"));
    checkOrdered(
        s ->
            s.sql(
                "select order_id, product from orders order by product desc nulls last, order_id limit 3 offset 2"));
    checkOrdered(s -> s.sql("select * from orders order by price * qty desc offset 6"));
  }

  @Test
  void aggregatesHavingAndDistinct() {
    check(
        s ->
            s.sql(
                """
        select customer, count(*) as n, count(distinct product) as products, sum(qty) as q,
               min(price) as lo, max(price) as hi, avg(qty) as avg_q,
               array_sort(collect_set(product)) as products_sorted,
               bool_or(qty > 5) as any_big, sum(price) filter (where year = 2024) as spent_2024
        from orders group by customer having count(*) > 1"""));
    check(
        s ->
            s.sql(
                "select count(distinct customer, product), approx_count_distinct(customer) from orders"));
    check(
        s ->
            s.sql(
                "select percentile(qty, 0.5), median(qty), mode(product), stddev_pop(qty), var_samp(qty) from orders"));
  }

  @Test
  void caseWhenAndConditionals() {
    check(
        s ->
            s.sql(
                """
        select order_id,
          case when qty >= 5 then 'bulk' when qty >= 2 then 'some' else 'single' end as size,
          case product when 'book' then 1 when 'pen' then 2 end as code,
          if(price > 10, 'pricey', 'cheap') as tier,
          coalesce(product, 'unknown') as p, nvl2(product, 1, 0) as has_p, nullif(qty, 1) as q
        from orders"""));
  }

  @Test
  void pipeSyntax() {
    check(
        s ->
            s.sql(
                """
        from orders
        |> where year = 2024
        |> aggregate sum(qty) as q group by customer
        |> where q > 1"""));
  }

  @Test
  void valuesAndInlineTables() {
    check(s -> s.sql("values (1, 'a'), (2, 'b'), (3, null)"));
    check(s -> s.sql("select a + b as c from values (1, 2), (3, 4) as t(a, b) where a > 0"));
  }

  @Test
  void higherOrderFunctions() {
    check(
        s ->
            s.sql(
                """
        select transform(xs, x -> x * 2) as doubled,
               filter(xs, x -> x % 2 = 1) as odd,
               aggregate(xs, 0, (acc, x) -> acc + x) as total,
               exists(xs, x -> x > 3) as has_big,
               forall(xs, x -> x > 0) as all_pos,
               zip_with(xs, reverse(xs), (a, b) -> a - b) as diff,
               transform_values(map('a', 1, 'b', 2), (k, v) -> v * 10) as tv,
               map_filter(map('a', 1, 'b', 2), (k, v) -> v > 1) as mf
        from values (array(1, 2, 3, 4)), (array()), (array(5)) as t(xs)"""));
  }
}
