package dev.vxconnect.e2e.differential;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.reverse;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_add;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.try_multiply;
import static org.apache.spark.sql.functions.try_subtract;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import dev.vxconnect.e2e.differential.RandomTables.Col;
import dev.vxconnect.e2e.differential.RandomTables.Kind;
import dev.vxconnect.e2e.differential.RandomTables.Table;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * One random DataFrame program, built from its own seed: the same seed gives the same chain of
 * operations on both sides, because every choice depends only on the seed and on the columns the
 * generator tracks, never on data. Programs are type-correct by construction and deterministic:
 * no limit without a total order, no floating-point sum of inexact values, integral arithmetic
 * through the try_ functions (so that which row overflows first cannot change the error), and a
 * few programs with a deliberate error that does not depend on evaluation order.
 */
final class ProgramGenerator {

  private final Random r;
  private final List<Table> tables;
  private final StringBuilder description = new StringBuilder();
  private int names;
  private boolean ordered;

  private ProgramGenerator(long seed, List<Table> tables) {
    this.r = new Random(seed);
    this.tables = tables;
  }

  /** A program: how to build it on a session, whether its result is ordered, and what it does. */
  record Program(Function<SparkSession, Dataset<Row>> build, boolean ordered, String description) {}

  /** The program of this seed; it is built once here, on {@code spark}, and again by {@link Program#build}. */
  static Program generate(long seed, List<Table> tables) {
    // Generating also builds: run once to learn whether the result is ordered and to describe it.
    ProgramGenerator probe = new ProgramGenerator(seed, tables);
    return new Program(
        spark -> new ProgramGenerator(seed, tables).build(spark),
        probe.orderedWithoutSpark(),
        probe.description.toString());
  }

  /** Replays the choices without a session, to learn whether the result is ordered and describe it. */
  private boolean orderedWithoutSpark() {
    build(null);
    return ordered;
  }

  // ---- the program ------------------------------------------------------------------------------

  /** The current Dataset (null when only describing) and the columns it has. */
  private Dataset<Row> df;

  private List<Col> cols;
  private SparkSession spark;

  private Dataset<Row> build(SparkSession session) {
    this.spark = session;
    Table t = pick(tables);
    df = session == null ? null : session.table(t.name());
    cols = new ArrayList<>(t.cols());
    say("table " + t.name());
    int steps = 1 + r.nextInt(4);
    boolean joined = false;
    boolean unioned = false;
    for (int i = 0; i < steps; i++) {
      int op = r.nextInt(12);
      switch (op) {
        case 0, 1 -> filter();
        case 2 -> select();
        case 3 -> withColumn();
        case 4 -> groupBy();
        case 5 -> {
          if (!joined) {
            join();
            joined = true;
          } else {
            filter();
          }
        }
        case 6 -> {
          if (!unioned) {
            union();
            unioned = true;
          } else {
            distinct();
          }
        }
        case 7 -> distinct();
        case 8 -> orderByLimit();
        case 9 -> window();
        case 10 -> dropOrRename();
        default -> withColumn();
      }
    }
    if (r.nextInt(30) == 0) {
      error();
    }
    ordered = r.nextBoolean();
    if (ordered) {
      List<Column> order = totalOrder();
      apply(d -> d.orderBy(order.toArray(Column[]::new)));
      say("orderBy(all columns)");
    }
    return df;
  }

  private void filter() {
    Column p = bool(2);
    apply(d -> d.filter(p));
    say("filter(" + p + ")");
  }

  private void select() {
    List<Col> kept = new ArrayList<>();
    List<Column> exprs = new ArrayList<>();
    for (Col c : cols) {
      if (r.nextInt(3) > 0) {
        kept.add(c);
        exprs.add(col(c.name()));
      }
    }
    int added = (kept.isEmpty() ? 1 : 0) + r.nextInt(3);
    for (int i = 0; i < added; i++) {
      Kind kind = randomKind();
      String name = newName();
      Column e = expr(kind, 2);
      exprs.add(e.as(name));
      kept.add(new Col(name, kind));
    }
    apply(d -> d.select(exprs.toArray(Column[]::new)));
    cols = kept;
    say("select(" + exprs + ")");
  }

  private void withColumn() {
    Kind kind = randomKind();
    String name = newName();
    Column e = expr(kind, 2);
    apply(d -> d.withColumn(name, e));
    cols.add(new Col(name, kind));
    say("withColumn(" + name + ", " + e + ")");
  }

  private void groupBy() {
    List<Col> keys = new ArrayList<>();
    int n = r.nextInt(3);
    for (int i = 0; i < n && i < cols.size(); i++) {
      Col c = pick(cols);
      if (!keys.contains(c)) {
        keys.add(c);
      }
    }
    List<Col> out = new ArrayList<>(keys);
    List<Column> aggs = new ArrayList<>();
    int m = 1 + r.nextInt(3);
    for (int i = 0; i < m; i++) {
      String name = newName();
      Col c = pick(cols);
      Col result;
      Column a;
      switch (r.nextInt(6)) {
        case 0 -> {
          a = count(lit(1));
          result = new Col(name, Kind.LONG);
        }
        case 1 -> {
          a = count(col(c.name()));
          result = new Col(name, Kind.LONG);
        }
        case 2 -> {
          a = countDistinct(col(c.name()));
          result = new Col(name, Kind.LONG);
        }
        case 3 -> {
          a = min(col(c.name()));
          result = new Col(name, c.kind());
        }
        case 4 -> {
          a = max(col(c.name()));
          result = new Col(name, c.kind());
        }
        default -> {
          Col s = summable();
          if (s == null) {
            a = count(lit(1));
            result = new Col(name, Kind.LONG);
          } else if (r.nextBoolean()) {
            a = sum(col(s.name()));
            result = new Col(name, s.kind() == Kind.INT ? Kind.LONG : s.kind());
          } else {
            a = avg(col(s.name()));
            result = new Col(name, s.kind() == Kind.DECIMAL ? Kind.DECIMAL : Kind.DOUBLE);
          }
        }
      }
      aggs.add(a.as(name));
      out.add(result);
    }
    Column[] keyCols = keys.stream().map(c -> col(c.name())).toArray(Column[]::new);
    Column first = aggs.get(0);
    Column[] rest = aggs.subList(1, aggs.size()).toArray(Column[]::new);
    apply(d -> d.groupBy(keyCols).agg(first, rest));
    cols = out;
    say("groupBy(" + keys + ").agg(" + aggs + ")");
  }

  /** A column whose sum does not depend on the order of addition. */
  private Col summable() {
    List<Col> candidates =
        cols.stream()
            .filter(
                c ->
                    c.kind() == Kind.INT
                        || c.kind() == Kind.DECIMAL
                        || (c.kind() == Kind.DOUBLE && c.exact()))
            .toList();
    return candidates.isEmpty() ? null : pick(candidates);
  }

  private void join() {
    List<Col> ints = cols.stream().filter(c -> c.kind() == Kind.INT).toList();
    if (ints.isEmpty()) {
      filter();
      return;
    }
    Col left = pick(ints);
    Table t = pick(tables);
    String suffix = "_r" + (names++);
    List<Col> right =
        t.cols().stream().map(c -> new Col(c.name() + suffix, c.kind(), c.exact())).toList();
    Column[] renamed =
        t.cols().stream().map(c -> col(c.name()).as(c.name() + suffix)).toArray(Column[]::new);
    String[] types = {"inner", "left", "right", "full", "left_semi", "left_anti"};
    String type = types[r.nextInt(types.length)];
    String key = "k" + suffix;
    boolean nullSafe = r.nextInt(4) == 0;
    apply(
        d -> {
          Dataset<Row> other = spark.table(t.name()).select(renamed);
          Column on =
              nullSafe
                  ? d.col(left.name()).eqNullSafe(other.col(key))
                  : d.col(left.name()).equalTo(other.col(key));
          return d.join(other, on, type);
        });
    if (!type.startsWith("left_")) {
      cols.addAll(right);
    }
    say(type + " join " + t.name() + " on " + left.name() + (nullSafe ? " <=> " : " = ") + key);
  }

  private void union() {
    if (r.nextBoolean()) {
      Column p = bool(1);
      apply(d -> d.union(d.filter(p)));
      say("union(self.filter(" + p + "))");
    } else {
      List<Col> reversed = new ArrayList<>(cols);
      Collections.reverse(reversed);
      Column[] sel = reversed.stream().map(c -> col(c.name())).toArray(Column[]::new);
      apply(d -> d.unionByName(d.select(sel)));
      say("unionByName(self reversed)");
    }
  }

  private void distinct() {
    apply(Dataset::distinct);
    say("distinct");
  }

  private void orderByLimit() {
    List<Column> order = totalOrder();
    int n = r.nextInt(10);
    apply(d -> d.orderBy(order.toArray(Column[]::new)).limit(n));
    say("orderBy(all columns).limit(" + n + ")");
  }

  private void window() {
    Col partition = pick(cols);
    Col orderCol = pick(cols);
    WindowSpec w = Window.partitionBy(col(partition.name())).orderBy(sortKey(orderCol));
    String name = newName();
    Column f;
    Kind kind;
    switch (r.nextInt(6)) {
      case 0 -> {
        f = rank().over(w);
        kind = Kind.INT;
      }
      case 1 -> {
        f = dense_rank().over(w);
        kind = Kind.INT;
      }
      case 2 -> {
        f =
            row_number()
                .over(
                    Window.partitionBy(col(partition.name()))
                        .orderBy(totalOrder().toArray(Column[]::new)));
        kind = Kind.INT;
      }
      case 3 -> {
        Col c = pick(cols);
        f = count(col(c.name())).over(w);
        kind = Kind.LONG;
      }
      case 4 -> {
        Col c = pick(cols);
        f = max(col(c.name())).over(Window.partitionBy(col(partition.name())));
        kind = c.kind();
      }
      default -> {
        Col s = summable();
        if (s == null) {
          f = rank().over(w);
          kind = Kind.INT;
        } else {
          f = sum(col(s.name())).over(w);
          kind = s.kind() == Kind.INT ? Kind.LONG : s.kind();
        }
      }
    }
    Column fn = f;
    apply(d -> d.withColumn(name, fn));
    cols.add(new Col(name, kind));
    say("withColumn(" + name + ", " + f + ")");
  }

  private void dropOrRename() {
    if (cols.size() > 1 && r.nextBoolean()) {
      Col c = pick(cols);
      apply(d -> d.drop(c.name()));
      cols.remove(c);
      say("drop(" + c.name() + ")");
    } else {
      Col c = pick(cols);
      String name = newName();
      apply(d -> d.withColumnRenamed(c.name(), name));
      cols.set(cols.indexOf(c), new Col(name, c.kind(), c.exact()));
      say("withColumnRenamed(" + c.name() + ", " + name + ")");
    }
  }

  /** An error whose condition does not depend on which row fails first. */
  private void error() {
    switch (r.nextInt(3)) {
      case 0 -> {
        apply(d -> d.select(col("no_such_column")));
        say("select(no_such_column)");
      }
      case 1 -> {
        String name = newName();
        apply(d -> d.withColumn(name, lit(1).divide(lit(0))));
        say("withColumn(1 / 0)");
      }
      default -> {
        String name = newName();
        apply(d -> d.withColumn(name, lit("abc").cast("int")));
        say("withColumn(cast('abc' as int))");
      }
    }
  }

  /** Every column, each with a random direction and null placement; doubles tie-broken by their text. */
  private List<Column> totalOrder() {
    List<Column> order = new ArrayList<>();
    for (Col c : cols) {
      order.add(sortKey(c));
      if (c.kind() == Kind.DOUBLE) {
        // -0.0 and 0.0 sort as equal: their text tells them apart.
        order.add(col(c.name()).cast("string").asc_nulls_first());
      }
    }
    return order;
  }

  private Column sortKey(Col c) {
    Column base = col(c.name());
    return switch (r.nextInt(4)) {
      case 0 -> base.asc_nulls_first();
      case 1 -> base.asc_nulls_last();
      case 2 -> base.desc_nulls_first();
      default -> base.desc_nulls_last();
    };
  }

  // ---- expressions ------------------------------------------------------------------------------

  private Kind randomKind() {
    Kind[] kinds = Kind.values();
    return kinds[r.nextInt(kinds.length)];
  }

  /** A column reference of this kind if there is one, else null. */
  private Column ref(Kind kind) {
    List<Col> of = cols.stream().filter(c -> c.kind() == kind).toList();
    return of.isEmpty() ? null : col(pick(of).name());
  }

  /** An expression of this kind over the current columns; depth bounds nesting. */
  private Column expr(Kind kind, int depth) {
    Column ref = ref(kind);
    if (depth <= 0 || r.nextInt(3) == 0) {
      return ref != null && r.nextInt(4) > 0 ? ref : literal(kind);
    }
    int d = depth - 1;
    if (r.nextInt(6) == 0) {
      return coalesce(expr(kind, d), expr(kind, d));
    }
    if (r.nextInt(6) == 0) {
      return when(bool(d), expr(kind, d)).otherwise(expr(kind, d));
    }
    return switch (kind) {
      case INT ->
          switch (r.nextInt(6)) {
            case 0 -> try_add(expr(Kind.INT, d), expr(Kind.INT, d));
            case 1 -> try_subtract(expr(Kind.INT, d), expr(Kind.INT, d));
            case 2 -> try_multiply(expr(Kind.INT, d), expr(Kind.INT, d));
            case 3 -> length(expr(Kind.STRING, d));
            case 4 ->
                r.nextBoolean() ? year(expr(Kind.DATE, d)) : dayofmonth(expr(Kind.TIMESTAMP, d));
            default -> expr(Kind.STRING, d).try_cast("int");
          };
      case LONG ->
          switch (r.nextInt(4)) {
            case 0 -> expr(Kind.INT, d).cast("bigint");
            case 1 -> try_add(expr(Kind.LONG, d), expr(Kind.LONG, d));
            case 2 -> try_multiply(expr(Kind.LONG, d), expr(Kind.INT, d).cast("bigint"));
            default -> expr(Kind.DOUBLE, d).try_cast("bigint");
          };
      case DOUBLE ->
          switch (r.nextInt(7)) {
            case 0 -> expr(Kind.DOUBLE, d).plus(expr(Kind.DOUBLE, d));
            case 1 -> expr(Kind.DOUBLE, d).minus(expr(Kind.DOUBLE, d));
            case 2 -> expr(Kind.DOUBLE, d).multiply(expr(Kind.DOUBLE, d));
            case 3 -> try_divide(expr(Kind.DOUBLE, d), expr(Kind.DOUBLE, d));
            case 4 -> sqrt(expr(Kind.DOUBLE, d));
            case 5 -> round(expr(Kind.DOUBLE, d), 1);
            default ->
                r.nextBoolean()
                    ? expr(Kind.INT, d).cast("double")
                    : expr(Kind.DECIMAL, d).cast("double");
          };
      case STRING ->
          switch (r.nextInt(9)) {
            case 0 -> upper(expr(Kind.STRING, d));
            case 1 -> lower(expr(Kind.STRING, d));
            case 2 -> concat(expr(Kind.STRING, d), expr(Kind.STRING, d));
            case 3 -> substring(expr(Kind.STRING, d), 1 + r.nextInt(3), r.nextInt(4));
            case 4 -> trim(expr(Kind.STRING, d));
            case 5 -> lpad(expr(Kind.STRING, d), r.nextInt(6), "*");
            case 6 -> reverse(expr(Kind.STRING, d));
            default -> expr(randomKind(), d).cast("string");
          };
      case BOOLEAN -> bool(depth);
      case DATE ->
          switch (r.nextInt(3)) {
            case 0 -> date_add(expr(Kind.DATE, d), r.nextInt(201) - 100);
            case 1 -> to_date(expr(Kind.TIMESTAMP, d));
            default -> expr(Kind.STRING, d).try_cast("date");
          };
      case TIMESTAMP ->
          r.nextBoolean() ? expr(Kind.DATE, d).cast("timestamp") : expr(Kind.TIMESTAMP, 0);
      case DECIMAL ->
          switch (r.nextInt(4)) {
            case 0 -> expr(Kind.DECIMAL, d).plus(expr(Kind.DECIMAL, d)).cast("decimal(12,2)");
            case 1 -> expr(Kind.DECIMAL, d).minus(expr(Kind.INT, d)).cast("decimal(12,2)");
            case 2 ->
                expr(Kind.DECIMAL, d).multiply(literal(Kind.DECIMAL)).try_cast("decimal(12,2)");
            default -> expr(Kind.INT, d).cast("decimal(12,2)");
          };
    };
  }

  /** A boolean expression: comparisons of like kinds, null tests, logic. */
  private Column bool(int depth) {
    if (depth <= 0) {
      Column ref = ref(Kind.BOOLEAN);
      if (ref != null && r.nextBoolean()) {
        return ref;
      }
    }
    int d = Math.max(0, depth - 1);
    switch (r.nextInt(10)) {
      case 0 -> {
        return expr(randomKind(), d).isNull();
      }
      case 1 -> {
        return expr(randomKind(), d).isNotNull();
      }
      case 2 -> {
        return depth > 0 ? bool(d).and(bool(d)) : literal(Kind.BOOLEAN);
      }
      case 3 -> {
        return depth > 0 ? bool(d).or(bool(d)) : literal(Kind.BOOLEAN);
      }
      case 4 -> {
        return depth > 0 ? not(bool(d)) : expr(Kind.STRING, 0).startsWith(literal(Kind.STRING));
      }
      default -> {
        Kind kind = randomKind();
        Column a = expr(kind, d);
        Column b = expr(kind, d);
        return switch (r.nextInt(7)) {
          case 0 -> a.equalTo(b);
          case 1 -> a.notEqual(b);
          case 2 -> a.lt(b);
          case 3 -> a.leq(b);
          case 4 -> a.gt(b);
          case 5 -> a.geq(b);
          default -> a.eqNullSafe(b);
        };
      }
    }
  }

  private Column literal(Kind kind) {
    if (r.nextInt(12) == 0) {
      return lit(null).cast(kind.type);
    }
    return switch (kind) {
      case INT -> lit(r.nextInt(21) - 10);
      case LONG -> lit((long) (r.nextInt(2001) - 1000));
      case DOUBLE -> {
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0};
        yield lit(
            r.nextInt(8) == 0 ? specials[r.nextInt(specials.length)] : (r.nextInt(81) - 40) / 4.0);
      }
      case STRING -> lit(RandomTables.STRINGS[r.nextInt(RandomTables.STRINGS.length)]);
      case BOOLEAN -> lit(r.nextBoolean());
      case DATE -> lit(Date.valueOf(LocalDate.of(1950, 1, 1).plusDays(r.nextInt(40000))));
      case TIMESTAMP ->
          lit(Date.valueOf(LocalDate.of(1950, 1, 1).plusDays(r.nextInt(40000)))).cast("timestamp");
      case DECIMAL -> lit(BigDecimal.valueOf(r.nextInt(20001) - 10000, 2)).cast("decimal(10,2)");
    };
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private void apply(UnaryOperator<Dataset<Row>> step) {
    if (spark != null) {
      df = step.apply(df);
    }
  }

  private void say(String step) {
    if (spark == null) {
      description.append(description.length() == 0 ? "" : " -> ").append(step);
    }
  }

  private String newName() {
    return "x" + (names++);
  }

  private <T> T pick(List<T> items) {
    return items.get(r.nextInt(items.size()));
  }
}
