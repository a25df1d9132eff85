package dev.vxconnect.e2e.sql;

import dev.vxconnect.e2e.support.E2ETestBase;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parameterized SQL: named ({@code :name}) and positional ({@code ?}) parameters of many types. */
class SqlParametersE2ETest extends E2ETestBase {

  @Test
  void namedParameters() {
    check(
        s ->
            s.sql(
                "select :a + :b as sum, :name as name",
                Map.of("a", 40, "b", 2, "name", "forty-two")));
    check(
        s ->
            s.sql(
                "select id from range(20) where id between :lo and :hi and id % :m = 0",
                Map.of("lo", 3L, "hi", 15L, "m", 3)));
  }

  @Test
  void positionalParameters() {
    check(
        s ->
            s.sql(
                "select ? * 2 as doubled, upper(?) as up, ? as flag",
                new Object[] {21, "abc", true}));
    check(s -> s.sql("select id from range(10) where id > ? and id < ?", new Object[] {2L, 7}));
  }

  @Test
  void parametersOfManyTypes() {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("byte", (byte) 7);
    args.put("short", (short) -300);
    args.put("long", Long.MAX_VALUE);
    args.put("float", 1.5f);
    args.put("double", -2.25d);
    args.put("dec", new BigDecimal("12345678901234567890.123456789012345678"));
    args.put("date", LocalDate.of(2024, 2, 29));
    args.put("ts", Instant.parse("2024-03-10T12:34:56.123456Z"));
    args.put("ntz", LocalDateTime.of(2020, 1, 2, 3, 4, 5));
    args.put("bin", new byte[] {1, 2, (byte) 0xff});
    args.put("str", "héllo wörld ☃");
    check(
        s ->
            s.sql(
                """
        select :byte as b, :short as sh, :long as l, :float as f, :double as d, :dec as dec,
               :date as dt, :ts as ts, :ntz as ntz, :bin as bin, :str as str,
               typeof(:dec) as dec_type, typeof(:ntz) as ntz_type""",
                args));
  }

  @Test
  void parametersInClausesAndArrays() {
    check(s -> s.sql("select * from range(100) order by id limit :n", Map.of("n", 4)));
    check(
        s ->
            s.sql(
                "select array_contains(:arr, 3) as has3, size(:arr) as n",
                Map.of("arr", new int[] {1, 2, 3})));
    check(
        s ->
            s.sql(
                "select ? is null as isnull, coalesce(?, 'dflt') as v", new Object[] {null, null}));
  }
}
