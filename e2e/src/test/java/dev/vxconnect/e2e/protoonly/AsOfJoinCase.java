package dev.vxconnect.e2e.protoonly;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** One as-of join of {@link ProtoOnlyCasesE2ETest}, which either side runs its own way. */
record AsOfJoinCase(
    Dataset<Row> left,
    Dataset<Row> right,
    String leftAsOf,
    String rightAsOf,
    String on,
    String joinType,
    String tolerance,
    boolean allowExactMatches,
    String direction) {}
