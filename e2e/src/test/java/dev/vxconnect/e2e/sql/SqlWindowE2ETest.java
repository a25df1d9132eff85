package dev.vxconnect.e2e.sql;

import dev.vxconnect.e2e.support.E2ETestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Window functions in SQL: ranking, offsets, frames (rows and range), named windows. */
@Tag("client-matrix")
class SqlWindowE2ETest extends E2ETestBase {

  @BeforeEach
  void views() {
    spark.sql(
        """
        create or replace temp view sales as select * from values
          ('north', date'2024-01-01', 100),
          ('north', date'2024-01-02', 150),
          ('north', date'2024-01-03', 150),
          ('north', date'2024-01-05', 80),
          ('south', date'2024-01-01', 200),
          ('south', date'2024-01-02', 50),
          ('south', date'2024-01-04', 50),
          ('east',  date'2024-01-03', null)
          as t(region, day, amount)""");
  }

  @Test
  void rankingFunctions() {
    check(
        s ->
            s.sql(
                """
        select region, day, amount,
          rank() over (partition by region order by amount desc) as rnk,
          dense_rank() over (partition by region order by amount desc) as drnk,
          row_number() over (partition by region order by amount desc, day) as rn,
          percent_rank() over (partition by region order by amount) as prank,
          cume_dist() over (partition by region order by amount) as cdist,
          ntile(2) over (partition by region order by day) as half
        from sales"""));
  }

  @Test
  void lagAndLead() {
    check(
        s ->
            s.sql(
                """
        select region, day, amount,
          lag(amount) over (partition by region order by day) as prev,
          lead(amount, 1, -1) over (partition by region order by day) as next,
          lag(amount, 2) ignore nulls over (partition by region order by day) as prev2,
          amount - lag(amount) over (partition by region order by day) as delta
        from sales"""));
  }

  @Test
  void runningSumRowsFrame() {
    checkOrdered(
        s ->
            s.sql(
                """
        select region, day, amount,
          sum(amount) over (partition by region order by day
                            rows between unbounded preceding and current row) as running,
          avg(amount) over (partition by region order by day
                            rows between 1 preceding and 1 following) as moving_avg,
          count(*) over (partition by region) as n
        from sales order by region, day"""));
  }

  @Test
  void rangeFrameOverDates() {
    check(
        s ->
            s.sql(
                """
        select region, day, amount,
          sum(amount) over (partition by region order by day
                            range between interval 1 day preceding and current row) as two_days,
          sum(amount) over (partition by region order by amount
                            range between unbounded preceding and current row) as by_value
        from sales"""));
  }

  @Test
  void firstLastAndNthValue() {
    check(
        s ->
            s.sql(
                """
        select region, day,
          first_value(amount) over w as first_amt,
          last_value(amount) over w as last_amt,
          nth_value(amount, 2) over w as second_amt,
          max(amount) over (partition by region) as max_amt
        from sales
        window w as (partition by region order by day
                     rows between unbounded preceding and unbounded following)"""));
  }

  @Test
  void windowOverWholeTableAndTopPerGroup() {
    check(
        s ->
            s.sql(
                """
        select region, day, amount, sum(amount) over () as grand_total,
               amount / sum(amount) over (partition by region) as share
        from sales"""));
    check(
        s ->
            s.sql(
                """
        select region, day, amount from (
          select *, row_number() over (partition by region order by amount desc nulls last, day) as rn from sales)
        where rn = 1"""));
  }
}
