package dev.vxconnect.e2e.dataframe;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Small data sets shared by the DataFrame scenarios, built from Java rows with a schema. */
final class People {

  private People() {}

  static final StructType PEOPLE_SCHEMA =
      new StructType()
          .add("id", DataTypes.IntegerType, false)
          .add("name", DataTypes.StringType)
          .add("age", DataTypes.IntegerType)
          .add("city", DataTypes.StringType)
          .add("salary", DataTypes.createDecimalType(10, 2))
          .add("joined", DataTypes.DateType);

  static Dataset<Row> people(SparkSession s) {
    List<Row> rows =
        List.of(
            RowFactory.create(
                1, "Alice", 34, "Paris", new BigDecimal("5200.50"), Date.valueOf("2019-03-01")),
            RowFactory.create(
                2, "Bob", 45, "Berlin", new BigDecimal("4100.00"), Date.valueOf("2015-07-15")),
            RowFactory.create(
                3, "Carol", 29, "Paris", new BigDecimal("6100.25"), Date.valueOf("2021-01-10")),
            RowFactory.create(4, "Dan", null, "Rome", null, Date.valueOf("2018-11-30")),
            RowFactory.create(5, "Eve", 52, null, new BigDecimal("7300.75"), null),
            RowFactory.create(
                6, "Frank", 45, "Berlin", new BigDecimal("3900.00"), Date.valueOf("2022-05-05")),
            RowFactory.create(
                7, "Grace", 38, "Paris", new BigDecimal("5200.50"), Date.valueOf("2017-09-09")),
            RowFactory.create(
                8, "Heidi", 29, "Rome", new BigDecimal("4800.00"), Date.valueOf("2020-02-29")));
    return s.createDataFrame(rows, PEOPLE_SCHEMA);
  }

  static final StructType CITY_SCHEMA =
      new StructType()
          .add("city", DataTypes.StringType)
          .add("country", DataTypes.StringType)
          .add("population", DataTypes.LongType);

  static Dataset<Row> cities(SparkSession s) {
    List<Row> rows =
        List.of(
            RowFactory.create("Paris", "FR", 2_100_000L),
            RowFactory.create("Berlin", "DE", 3_600_000L),
            RowFactory.create("Madrid", "ES", 3_300_000L),
            RowFactory.create(null, "XX", 0L));
    return s.createDataFrame(rows, CITY_SCHEMA);
  }
}
