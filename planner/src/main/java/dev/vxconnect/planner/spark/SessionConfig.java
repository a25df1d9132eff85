package dev.vxconnect.planner.spark;

import java.util.Map;
import java.util.Set;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.ConfigResponse;
import org.apache.spark.connect.proto.KeyValue;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.internal.SQLConf$;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Config RPC over a session's RuntimeConfig, with Spark's warnings (unsupported and deprecated
 * keys) and Spark's errors (e.g. CANNOT_MODIFY_STATIC_CONFIG, thrown by RuntimeConfig itself).
 */
final class SessionConfig {

  /** Keys that mean nothing over Connect; Spark's server warns about them. */
  private static final Set<String> UNSUPPORTED =
      Set.of(
          "spark.sql.execution.arrow.enabled",
          "spark.sql.execution.arrow.pyspark.fallback.enabled");

  /**
   * Byte sizes that newer clients read with a plain number parse: Spark 4.1's server prints them
   * as byte strings ("3221225472b"), on which the 4.2 client's createDataFrame fails. No older
   * client reads them, so they are answered as plain byte counts.
   */
  private static final Set<String> PLAIN_BYTE_COUNTS =
      Set.of(
          "spark.sql.session.localRelationSizeLimit",
          "spark.sql.session.localRelationChunkSizeLimit");

  private final RuntimeConfig conf;

  SessionConfig(RuntimeConfig conf) {
    this.conf = conf;
  }

  ConfigResponse.Builder apply(ConfigRequest.Operation operation) {
    return switch (operation.getOpTypeCase()) {
      case SET -> set(operation.getSet());
      case GET -> get(operation.getGet());
      case GET_WITH_DEFAULT -> getWithDefault(operation.getGetWithDefault());
      case GET_OPTION -> getOption(operation.getGetOption());
      case GET_ALL -> getAll(operation.getGetAll());
      case UNSET -> unset(operation.getUnset());
      case IS_MODIFIABLE -> isModifiable(operation.getIsModifiable());
      default ->
          throw new UnsupportedOperationException(
              "Config operation " + operation.getOpTypeCase() + " not supported.");
    };
  }

  private ConfigResponse.Builder set(ConfigRequest.Set operation) {
    boolean silent = operation.hasSilent() && operation.getSilent();
    ConfigResponse.Builder response = ConfigResponse.newBuilder();
    for (KeyValue pair : operation.getPairsList()) {
      String value = pair.hasValue() ? pair.getValue() : null;
      try {
        conf.set(pair.getKey(), value);
        warn(response, pair.getKey());
      } catch (RuntimeException e) {
        if (!silent) {
          throw e;
        }
        response.addWarnings(
            "Failed to set "
                + pair.getKey()
                + " to "
                + describe(value)
                + " due to "
                + e.getMessage());
      }
    }
    return response;
  }

  private ConfigResponse.Builder get(ConfigRequest.Get operation) {
    ConfigResponse.Builder response = ConfigResponse.newBuilder();
    for (String key : operation.getKeysList()) {
      response.addPairs(pair(key, conf.get(key)));
      warn(response, key);
    }
    return response;
  }

  private ConfigResponse.Builder getWithDefault(ConfigRequest.GetWithDefault operation) {
    ConfigResponse.Builder response = ConfigResponse.newBuilder();
    for (KeyValue pair : operation.getPairsList()) {
      String fallback = pair.hasValue() ? pair.getValue() : null;
      response.addPairs(pair(pair.getKey(), conf.get(pair.getKey(), fallback)));
      warn(response, pair.getKey());
    }
    return response;
  }

  private ConfigResponse.Builder getOption(ConfigRequest.GetOption operation) {
    ConfigResponse.Builder response = ConfigResponse.newBuilder();
    for (String key : operation.getKeysList()) {
      Option<String> value = conf.getOption(key);
      response.addPairs(pair(key, value.isDefined() ? value.get() : null));
      warn(response, key);
    }
    return response;
  }

  private ConfigResponse.Builder getAll(ConfigRequest.GetAll operation) {
    ConfigResponse.Builder response = ConfigResponse.newBuilder();
    String prefix = operation.hasPrefix() ? operation.getPrefix() : "";
    Map<String, String> all = CollectionConverters.asJava(conf.getAll());
    all.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            response.addPairs(pair(key.substring(prefix.length()), value));
            warn(response, key);
          }
        });
    return response;
  }

  private ConfigResponse.Builder unset(ConfigRequest.Unset operation) {
    ConfigResponse.Builder response = ConfigResponse.newBuilder();
    for (String key : operation.getKeysList()) {
      conf.unset(key);
      warn(response, key);
    }
    return response;
  }

  private ConfigResponse.Builder isModifiable(ConfigRequest.IsModifiable operation) {
    ConfigResponse.Builder response = ConfigResponse.newBuilder();
    for (String key : operation.getKeysList()) {
      response.addPairs(pair(key, Boolean.toString(conf.isModifiable(key))));
      warn(response, key);
    }
    return response;
  }

  private static void warn(ConfigResponse.Builder response, String key) {
    if (UNSUPPORTED.contains(key)) {
      response.addWarnings("The SQL config '" + key + "' is NOT supported in Spark Connect");
      return;
    }
    var deprecated = SQLConf$.MODULE$.deprecatedSQLConfigs().get(key);
    if (deprecated.isDefined()) {
      response.addWarnings(deprecated.get().toDeprecationString());
    }
  }

  private static KeyValue pair(String key, String value) {
    KeyValue.Builder pair = KeyValue.newBuilder().setKey(key);
    if (value != null) {
      pair.setValue(clientReadable(key, value));
    }
    return pair.build();
  }

  /** The value as every client version parses it: see {@link #PLAIN_BYTE_COUNTS}. */
  static String clientReadable(String key, String value) {
    if (PLAIN_BYTE_COUNTS.contains(key)) {
      try {
        return Long.toString(JavaUtils.byteStringAsBytes(value));
      } catch (NumberFormatException e) {
        return value;
      }
    }
    return value;
  }

  /** Spark prints Scala's Option here ("Some(x)" / "None"); keep the same text. */
  private static String describe(String value) {
    return value == null ? "None" : "Some(" + value + ")";
  }
}
