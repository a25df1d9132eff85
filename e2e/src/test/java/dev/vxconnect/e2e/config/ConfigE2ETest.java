package dev.vxconnect.e2e.config;

import dev.vxconnect.e2e.support.E2ETestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** The runtime configuration API (the Config RPC) compared with a classic session's. */
class ConfigE2ETest extends E2ETestBase {

  @Test
  void setAndGet() {
    checkValue(
        s -> {
          s.conf().set("spark.sql.shuffle.partitions", "7");
          s.conf().set("spark.sql.ansi.enabled", false);
          s.conf().set("spark.sql.autoBroadcastJoinThreshold", 1234L);
          return List.of(
              s.conf().get("spark.sql.shuffle.partitions"),
              s.conf().get("spark.sql.ansi.enabled"),
              s.conf().get("spark.sql.autoBroadcastJoinThreshold"));
        });
    checkValue(
        s ->
            List.of(
                s.conf().get("spark.vxtest.absent", "fallback"),
                s.conf().get("spark.sql.shuffle.partitions", "ignored")));
  }

  @Test
  void defaultsOfWellKnownKeys() {
    checkValue(
        s ->
            List.of(
                s.conf().get("spark.sql.ansi.enabled"),
                s.conf().get("spark.sql.shuffle.partitions"),
                s.conf().get("spark.sql.caseSensitive"),
                s.conf().get("spark.sql.adaptive.enabled"),
                s.conf().get("spark.sql.datetime.java8API.enabled"),
                s.conf().get("spark.sql.sources.default"),
                s.conf().get("spark.sql.legacy.timeParserPolicy")));
  }

  @Test
  void getOptionAndUnset() {
    checkValue(
        s -> {
          List<Object> out = new ArrayList<>();
          out.add(s.conf().getOption("spark.vxtest.custom.key").isDefined());
          s.conf().set("spark.vxtest.custom.key", "value-1");
          out.add(s.conf().getOption("spark.vxtest.custom.key").get());
          s.conf().unset("spark.vxtest.custom.key");
          out.add(s.conf().getOption("spark.vxtest.custom.key").isDefined());
          s.conf().set("spark.sql.shuffle.partitions", "3");
          s.conf().unset("spark.sql.shuffle.partitions");
          out.add(s.conf().get("spark.sql.shuffle.partitions"));
          return out;
        });
  }

  @Test
  void isModifiable() {
    checkValue(
        s ->
            List.of(
                s.conf().isModifiable("spark.sql.shuffle.partitions"),
                s.conf().isModifiable("spark.sql.warehouse.dir"),
                s.conf().isModifiable("spark.executor.memory"),
                s.conf().isModifiable("spark.sql.ansi.enabled"),
                s.conf().isModifiable("spark.vxtest.unknown")));
  }

  @Test
  void getAllFilteredToOwnKeys() {
    checkValue(
        s -> {
          s.conf().set("spark.vxtest.all.a", "1");
          s.conf().set("spark.vxtest.all.b", "two");
          s.conf().set("spark.sql.shuffle.partitions", "5");
          Map<String, String> all = CollectionConverters.asJava(s.conf().getAll());
          Map<String, String> mine = new TreeMap<>();
          all.forEach(
              (k, v) -> {
                if (k.startsWith("spark.vxtest.all.") || k.equals("spark.sql.shuffle.partitions")) {
                  mine.put(k, v);
                }
              });
          return mine;
        });
  }

  @Test
  void confChangesSemantics() {
    check(
        s -> {
          s.conf().set("spark.sql.ansi.enabled", "false");
          return s.sql("select 1 / 0 as x, cast('abc' as int) as y, 2147483647 + 1 as z");
        });
    check(
        s -> {
          s.conf().set("spark.sql.caseSensitive", "true");
          return s.sql("select 1 as A, 2 as a").select("A");
        });
    check(
        s -> {
          s.conf().set("spark.sql.session.timeZone", "Asia/Tokyo");
          return s.sql(
              "select cast(timestamp'2024-01-01 00:00:00' as string) as rendered, "
                  + "date_format(timestamp'2024-01-01 00:00:00', 'yyyy-MM-dd HH:mm XXX') as with_offset");
        });
  }

  @Test
  void setCommandThroughSql() {
    check(s -> s.sql("set spark.sql.shuffle.partitions=11"));
    check(s -> s.sql("set spark.sql.shuffle.partitions"));
    checkValue(s -> s.conf().get("spark.sql.shuffle.partitions"));
    check(s -> s.sql("reset spark.sql.shuffle.partitions"));
    checkValue(s -> s.conf().get("spark.sql.shuffle.partitions"));
  }

  @Test
  void sessionsHaveIsolatedConfs() {
    checkValue(
        s -> {
          s.conf().set("spark.sql.shuffle.partitions", "13");
          var other = s.newSession();
          return List.of(
              s.conf().get("spark.sql.shuffle.partitions"),
              other.conf().get("spark.sql.shuffle.partitions"));
        });
  }

  @Test
  void staticAndCoreConfigsCannotBeModified() {
    checkError(
        s -> {
          s.conf().set("spark.sql.warehouse.dir", "/tmp/elsewhere");
          return null;
        });
    checkError(
        s -> {
          s.conf().set("spark.sql.globalTempDatabase", "other_global");
          return null;
        });
    checkError(
        s -> {
          s.conf().unset("spark.sql.catalogImplementation");
          return null;
        });
    checkError(s -> s.sql("set spark.sql.warehouse.dir=/tmp/x"));
  }

  @Test
  void missingConfigKey() {
    // conf().get of a missing key fails inside the JVM client itself (a plain
    // NoSuchElementException built from an empty GET_OPTION answer): the answer is what is
    // compared.
    checkValue(
        s ->
            List.of(
                s.conf().getOption("spark.vxtest.not.set.anywhere").isDefined(),
                s.conf().get("spark.vxtest.not.set.anywhere", "<default>")));
    checkError(
        s -> {
          s.conf().set("spark.sql.shuffle.partitions", "-1");
          return s.range(10).repartition(3).groupBy("id").count();
        });
  }
}
