package dev.vxconnect.e2e.sql;

import dev.vxconnect.e2e.support.E2ETestBase;
import org.junit.jupiter.api.Test;

/**
 * SQL features the other scenarios do not reach: collations, EXECUTE IMMEDIATE, intervals,
 * session windows, HyperLogLog sketches, number formatting, XPath, string, math and date
 * functions, and SQL statements on views and the cache.
 */
class SqlMoreFunctionsE2ETest extends E2ETestBase {

  @Test
  void collations() {
    check(
        s ->
            s.sql(
                "select 'abc' collate utf8_lcase = 'ABC' as lcase_eq, 'abc' = 'ABC' as binary_eq,"
                    + " collation('x' collate unicode_ci) as c, contains('Spark' collate utf8_lcase, 'SPA') as has"));
    checkOrdered(
        s ->
            s.sql(
                "select w from values ('b'), ('A'), ('a'), ('B') as t(w)"
                    + " order by w collate utf8_lcase, w"));
    check(
        s ->
            s.sql(
                "select lower(w) as k, count(*) as n from values ('b'), ('A'), ('a'), ('B') as t(w)"
                    + " group by w collate utf8_lcase, lower(w)"));
  }

  @Test
  void executeImmediate() {
    check(s -> s.sql("execute immediate 'select ? + 1 as x, ? as y' using 41, 'why'"));
    check(s -> s.sql("execute immediate 'select :a * :b as p' using 6 as a, 7 as b"));
  }

  @Test
  void intervals() {
    // A calendar interval has no Arrow type (Spark's own server cannot send one either): as text.
    check(
        s ->
            s.sql(
                "select cast(make_interval(1, 2, 0, 3, 4, 5, 6.5) as string) as i,"
                    + " make_dt_interval(2, 3, 4, 5.25) as dt, make_ym_interval(3, 4) as ym,"
                    + " timestamp'2024-01-31 10:00:00' + interval 1 month as plus_month,"
                    + " date'2024-03-01' - interval 1 day as minus_day,"
                    + " timestamp'2024-01-02 00:00:00' - timestamp'2024-01-01 12:30:00' as diff"));
  }

  @Test
  void sessionWindows() {
    check(
        s ->
            s.sql(
                "select user, session_window.start as s, session_window.end as e, count(*) as n"
                    + " from values ('a', timestamp'2024-01-01 10:00:00'), ('a', timestamp'2024-01-01 10:03:00'),"
                    + " ('a', timestamp'2024-01-01 10:20:00'), ('b', timestamp'2024-01-01 10:01:00')"
                    + " as t(user, ts) group by user, session_window(ts, '5 minutes')"));
  }

  @Test
  void hyperLogLogSketches() {
    check(
        s ->
            s.sql(
                "select k, hll_sketch_estimate(hll_sketch_agg(v)) as distinct_values"
                    + " from (select id % 3 as k, id % 100 as v from range(1000)) group by k"));
    check(
        s ->
            s.sql(
                "select hll_sketch_estimate(hll_union(hll_sketch_agg(a), hll_sketch_agg(b))) as u"
                    + " from (select id as a, id + 500 as b from range(1000))"));
  }

  @Test
  void numberFormatting() {
    check(
        s ->
            s.sql(
                "select to_char(12454.8, '99,999.9') as c, to_char(-12.5, 'S999.99') as signed,"
                    + " to_number('$78.12', '$99.99') as n, try_to_number('abc', '999') as bad,"
                    + " format_number(1234567.891, 2) as f, format_string('%05d|%-6s|', 42, 'ab') as fs"));
  }

  @Test
  void xpathFunctions() {
    check(
        s ->
            s.sql(
                "select xpath_string(x, 'a/b') as b, xpath_int(x, 'sum(a/c)') as total,"
                    + " xpath(x, 'a/c/text()') as cs, xpath_boolean(x, 'a/d') as has_d"
                    + " from values ('<a><b>bee</b><c>1</c><c>2</c><c>39</c></a>') as t(x)"));
  }

  @Test
  void moreStringFunctions() {
    check(
        s ->
            s.sql(
                "select split_part('a,b,,c', ',', 4) as part, regexp_extract_all('a1b22c333', '(\\\\d+)', 1) as nums,"
                    + " levenshtein('kitten', 'sitting') as lev, soundex('Robert') as sx, url_decode('a%20b%2Bc') as url,"
                    + " luhn_check('79927398713') as luhn, overlay('Spark SQL' placing 'XX' from 7 for 3) as ov,"
                    + " initcap('hello wORLD') as cap, translate('abcabc', 'ab', 'xy') as tr, randstr(5, 0) is not null as rs"));
  }

  @Test
  void moreMathFunctions() {
    check(
        s ->
            s.sql(
                "select width_bucket(5.3, 0.2, 10.6, 5) as wb, bround(2.5, 0) as br, round(2.5, 0) as r,"
                    + " conv('ff', 16, 2) as bin, hex(255) as h, crc32('Spark') as crc, sha2('Spark', 256) as sha,"
                    + " pmod(-7, 3) as pm, try_divide(1, 0) as td, factorial(10) as f, bit_count(255) as bits"));
  }

  @Test
  void moreDateFunctions() {
    check(
        s ->
            s.sql(
                "select date_trunc('MONTH', timestamp'2024-05-17 13:14:15') as dt,"
                    + " make_date(2024, 2, 29) as md, last_day(date'2024-02-10') as ld, next_day(date'2024-05-17', 'MON') as nd,"
                    + " months_between(date'2024-05-31', date'2024-02-29') as mb, dayofweek(date'2024-05-17') as dow,"
                    + " weekofyear(date'2024-12-31') as woy, date_format(date'2024-05-17', 'EEEE, d MMM yyyy') as fmt,"
                    + " to_date('17/05/2024', 'dd/MM/yyyy') as parsed, try_to_timestamp('nope') as bad"));
  }

  @Test
  void viewsAndCacheThroughSql() {
    check(
        s -> {
          s.sql("create or replace temp view sq as select id, id * id as square from range(8)");
          s.sql("cache table sq_cached as select * from sq where id % 2 = 0");
          return s.sql(
              "select c.id, c.square, s.square as again from sq_cached c join sq s using (id)");
        });
    check(s -> s.sql("show views like 'sq*'"));
    check(
        s -> {
          s.sql("uncache table sq_cached");
          return s.sql("select count(*) as n from sq_cached");
        });
  }
}
