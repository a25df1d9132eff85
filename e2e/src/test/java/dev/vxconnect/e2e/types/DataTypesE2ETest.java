package dev.vxconnect.e2e.types;

import dev.vxconnect.e2e.support.E2ETestBase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every Spark data type produced on the server and decoded by the client (Arrow round trip). */
@Tag("client-matrix")
class DataTypesE2ETest extends E2ETestBase {

  @Test
  void booleansAndIntegers() {
    check(
        s ->
            s.sql(
                """
        select * from values
          (true, cast(127 as tinyint), cast(32767 as smallint), 2147483647, 9223372036854775807L),
          (false, cast(-128 as tinyint), cast(-32768 as smallint), -2147483648, -9223372036854775808L),
          (null, cast(0 as tinyint), cast(0 as smallint), 0, 0L),
          (true, null, null, null, null)
          as t(b, y, sh, i, l)"""));
  }

  @Test
  void floatingPointSpecials() {
    check(
        s ->
            s.sql(
                """
        select * from values
          (cast(1.5 as float), 2.25d),
          (cast('NaN' as float), cast('NaN' as double)),
          (cast('Infinity' as float), cast('Infinity' as double)),
          (cast('-Infinity' as float), cast('-Infinity' as double)),
          (cast(-0.0 as float), -0.0d),
          (cast(0.0 as float), 0.0d),
          (cast(3.4028235E38 as float), 1.7976931348623157E308d),
          (cast(1.4E-45 as float), 4.9E-324d),
          (null, null)
          as t(f, d)"""));
  }

  @Test
  void decimalsOfSeveralPrecisions() {
    check(
        s ->
            s.sql(
                """
        select cast(1.5 as decimal(2,1)) as d21, cast(-99999.99999 as decimal(10,5)) as d105,
               cast(123456789012345678 as decimal(18,0)) as d180,
               cast('12345678901234567890.123456789012345678' as decimal(38,18)) as d3818,
               cast('-0.000000000000000001' as decimal(38,18)) as tiny,
               cast('99999999999999999999999999999999999999' as decimal(38,0)) as d380,
               cast(0 as decimal(38,38)) as d3838, cast(null as decimal(20,4)) as nul,
               cast(7 as decimal(9,3)) / cast(3 as decimal(9,3)) as quotient"""));
    check(
        s ->
            s.range(1, 50)
                .selectExpr(
                    "cast(id as decimal(38,18)) / 7 as q",
                    "cast(id * 1000003 as decimal(19,2)) as m"));
  }

  @Test
  void unicodeStrings() {
    check(
        s ->
            s.sql(
                    """
        select * from values
          ('ascii'), (''), ('é è ê ë'), ('中文字符'), ('日本語'), ('한국어'), ('العربية'), ('עברית'),
          ('😀🎉🚀 surrogate pairs'), ('tab\\tnewline\\nquote"'), ('null\\u0000char'), (null)
          as t(s)""")
                .selectExpr("s", "length(s) as chars", "octet_length(s) as bytes"));
  }

  @Test
  void binary() {
    check(
        s ->
            s.sql(
                    """
        select * from values (X'00FF7F80'), (X''), (null), (cast('text' as binary)) as t(b)
        """)
                .selectExpr("b", "length(b) as n", "hex(b) as h"));
  }

  @Test
  void datesAndTimestamps() {
    check(
        s ->
            s.sql(
                """
        select * from values
          (date'2024-02-29', timestamp'2024-02-29 12:34:56.789012', timestamp_ntz'2024-02-29 12:34:56.789012'),
          (date'1970-01-01', timestamp'1970-01-01 00:00:00', timestamp_ntz'1970-01-01 00:00:00'),
          (date'1969-12-31', timestamp'1969-12-31 23:59:59.999999', timestamp_ntz'1969-12-31 23:59:59.999999'),
          (date'1582-10-15', timestamp'1900-01-01 00:00:00', timestamp_ntz'1582-10-15 00:00:00'),
          (date'0001-01-01', timestamp'0001-01-01 00:00:00', timestamp_ntz'0001-01-01 00:00:00'),
          (date'9999-12-31', timestamp'9999-12-31 23:59:59.999999', timestamp_ntz'9999-12-31 23:59:59.999999'),
          (null, null, null)
          as t(d, ts, ntz)"""));
  }

  @Test
  void timestampsInSessionTimeZones() {
    check(
        s -> {
          s.conf().set("spark.sql.session.timeZone", "America/Los_Angeles");
          return s.sql(
              """
          select timestamp'2024-03-10 01:30:00' as before_dst, timestamp'2024-03-10 03:30:00' as after_dst,
                 cast(timestamp'2024-03-10 03:30:00' as string) as rendered, hour(timestamp'2024-07-01 12:00:00') as h,
                 timestamp_ntz'2024-03-10 02:30:00' as ntz_in_gap""");
        });
  }

  /**
   * Day-time intervals up to about 292 years: the JVM client reads Arrow durations through
   * nanoseconds, which saturate beyond that whichever server sent them (Spark's own Connect server
   * included), so the type's extreme value of 106751991 days is not used.
   */
  @Test
  void dayTimeAndYearMonthIntervals() {
    check(
        s ->
            s.sql(
                """
        select * from values
          (interval '1 02:03:04.567891' day to second, interval '10-11' year to month),
          (interval '-3' day, interval '-1' year),
          (interval '0 00:00:00' day to second, interval '0' month),
          (interval '106751 23:47:16.854775' day to second, interval '178956970-7' year to month),
          (null, null)
          as t(dt, ym)"""));
    check(
        s ->
            s.sql(
                """
        select interval '5' hour as h, interval '30' minute as m, interval '15' second as sec,
               interval '2' day as d, interval '3' month as mo,
               timestamp'2024-01-31 00:00:00' - timestamp'2024-01-01 12:00:00' as diff,
               date'2024-03-31' - date'2023-12-01' as date_diff"""));
  }

  @Test
  void nestedArrays() {
    check(
        s ->
            s.sql(
                """
        select * from values
          (array(1, null, 3), array(array('a', null), array(), null), array(array(array(1.5d)))),
          (array(), array(), array()),
          (null, null, null),
          (array(null), array(array(null)), array(array(array())))
          as t(ints, nested_strings, deep)"""));
  }

  @Test
  void maps() {
    check(
        s ->
            s.sql(
                """
        select * from values
          (map('a', 1, 'b', null), map(1, array('x', 'y')), map('k', map('inner', true))),
          (map(), map(), map()),
          (null, null, null),
          (map('z', 26), map(2, array()), map('k', null))
          as t(simple, arr_values, nested)"""));
    check(
        s ->
            s.sql(
                "select map(array(1, 2), 'array key', array(3), 'other') as array_keys, map(date'2024-01-01', 1) as date_keys"));
  }

  @Test
  void nestedStructs() {
    check(
        s ->
            s.sql(
                """
        select named_struct('id', 1, 'name', 'x',
                 'address', named_struct('city', 'Paris', 'geo', named_struct('lat', 48.85d, 'lon', 2.35d)),
                 'tags', array(named_struct('k', 'a', 'v', 1), named_struct('k', 'b', 'v', null)),
                 'props', map('p', named_struct('q', 1))) as person
        union all
        select named_struct('id', 2, 'name', null,
                 'address', named_struct('city', null, 'geo', null),
                 'tags', array(), 'props', map())
        union all
        select null"""));
    check(s -> s.sql("select struct() as empty_struct, named_struct('a', null) as null_field"));
  }

  @Test
  void nullsOfEveryType() {
    check(
        s ->
            s.sql(
                """
        select cast(null as boolean) as b, cast(null as tinyint) as y, cast(null as smallint) as sh,
               cast(null as int) as i, cast(null as bigint) as l, cast(null as float) as f,
               cast(null as double) as d, cast(null as decimal(38,18)) as dec, cast(null as string) as s,
               cast(null as binary) as bin, cast(null as date) as dt, cast(null as timestamp) as ts,
               cast(null as timestamp_ntz) as ntz, cast(null as interval day to second) as dti,
               cast(null as interval year to month) as ymi, cast(null as array<int>) as arr,
               cast(null as map<string,int>) as m, cast(null as struct<a:int,b:string>) as st,
               null as void_col, cast(null as char(3)) as ch, cast(null as varchar(5)) as vc"""));
  }

  @Test
  void charVarcharAndVoid() {
    check(
        s ->
            s.sql(
                "select cast('ab' as char(5)) as c, cast('abc' as varchar(10)) as v, null as n, typeof(null) as t"));
  }

  @Test
  void variantType() {
    check(
        s ->
            s.sql(
                """
        select parse_json('{"a": 1, "b": [true, null, "x"], "c": {"d": 1.5}}') as v,
               variant_get(parse_json('{"a": 1}'), '$.a', 'int') as a,
               to_json(parse_json('[1, 2, {"k": "v"}]')) as round_trip"""));
  }
}
