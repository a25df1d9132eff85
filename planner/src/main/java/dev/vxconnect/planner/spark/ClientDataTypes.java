package dev.vxconnect.planner.spark;

import org.apache.spark.connect.proto.AnalyzePlanResponse;
import org.apache.spark.connect.proto.DataType;

/**
 * Data types as every client version reads them. Spark 4.1's server names the default collation of
 * every string type ("UTF8_BINARY"); clients 4.0 and 4.1 read an empty collation as that same
 * default, but the 4.2 client reads a named one as an explicitly collated type ("string collate
 * UTF8_BINARY" in its schemas). Sent without the name, as Spark 4.2's server sends it, the default
 * string type is the plain string type for all three.
 */
final class ClientDataTypes {

  private static final String DEFAULT_COLLATION = "UTF8_BINARY";

  private ClientDataTypes() {}

  static DataType forEveryClient(DataType type) {
    return switch (type.getKindCase()) {
      case STRING ->
          DEFAULT_COLLATION.equals(type.getString().getCollation())
              ? type.toBuilder().setString(type.getString().toBuilder().clearCollation()).build()
              : type;
      case ARRAY ->
          type.toBuilder()
              .setArray(
                  type.getArray().toBuilder()
                      .setElementType(forEveryClient(type.getArray().getElementType())))
              .build();
      case MAP ->
          type.toBuilder()
              .setMap(
                  type.getMap().toBuilder()
                      .setKeyType(forEveryClient(type.getMap().getKeyType()))
                      .setValueType(forEveryClient(type.getMap().getValueType())))
              .build();
      case STRUCT -> {
        DataType.Struct.Builder struct = type.getStruct().toBuilder();
        for (int i = 0; i < struct.getFieldsCount(); i++) {
          DataType.StructField field = struct.getFields(i);
          struct.setFields(i, field.toBuilder().setDataType(forEveryClient(field.getDataType())));
        }
        yield type.toBuilder().setStruct(struct).build();
      }
      default -> type;
    };
  }

  /** The analysis results that carry a data type: schema and DDL parse. */
  static AnalyzePlanResponse.Builder forEveryClient(AnalyzePlanResponse.Builder response) {
    if (response.hasSchema()) {
      response.getSchemaBuilder().setSchema(forEveryClient(response.getSchema().getSchema()));
    }
    if (response.hasDdlParse()) {
      response.getDdlParseBuilder().setParsed(forEveryClient(response.getDdlParse().getParsed()));
    }
    return response;
  }
}
