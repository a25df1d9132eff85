package dev.vxconnect.e2e.sql;

import dev.vxconnect.e2e.support.E2ETestBase;
import org.junit.jupiter.api.Test;

/** SQL literals of every kind, with their types. */
class SqlLiteralsE2ETest extends E2ETestBase {

  @Test
  void numericLiterals() {
    check(
        s ->
            s.sql(
                """
        select 1Y as tiny, -2S as small, 2147483647 as i, 9223372036854775807L as big,
               1.5F as f, 2.5D as d, 1e10 as sci, 0.1 as dec1, 123.4500BD as dec2,
               -0.0D as negzero, 99999999999999999999.999999999999999999BD as dec38,
               typeof(0.1) as t1, typeof(1e10) as t2, typeof(123.4500BD) as t3"""));
  }

  @Test
  void stringLiterals() {
    check(
        s ->
            s.sql(
                """
        select 'plain' as a, "double quoted" as b, 'it''s' as c, 'tab\\tnew\\nline' as d,
               'unicode: \\u00e9\\u4e2d' as e, 'emoji 😀 ü ß 日本' as f, '' as empty,
               r'raw \\n stays' as raw, 'con' 'cat' as adjacent"""));
  }

  @Test
  void dateTimeLiterals() {
    check(
        s ->
            s.sql(
                """
        select date'2024-02-29' as d, timestamp'2024-02-29 23:59:59.999999' as ts,
               timestamp_ntz'1999-12-31 23:59:59' as ntz, timestamp_ltz'2000-01-01 00:00:00' as ltz,
               date'0001-01-01' as min_date, date'9999-12-31' as max_date"""));
  }

  @Test
  void intervalLiterals() {
    check(
        s ->
            s.sql(
                """
        select interval '1-2' year to month as ym, interval 3 year as y, interval 14 month as m,
               interval '4 05:06:07.891' day to second as dts, interval 90 minute as mins,
               interval '-1 00:00:01' day to second as neg,
               typeof(interval 2 day) as t"""));
  }

  @Test
  void binaryBooleanNullAndComplexLiterals() {
    check(
        s ->
            s.sql(
                """
        select X'CAFEBABE' as bin, X'' as empty_bin, true as t, false as f, null as n,
               array(1, 2, null) as arr, map('k1', 1, 'k2', null) as m,
               named_struct('a', 1, 'b', named_struct('c', 'x')) as st,
               array(array(1), array(), null) as nested,
               cast(null as array<string>) as null_arr"""));
  }
}
