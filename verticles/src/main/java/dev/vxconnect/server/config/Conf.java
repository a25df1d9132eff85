package dev.vxconnect.server.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration as given (file, then {@code --conf}, then environment), read through the typed
 * entries of {@link ConfigKeys}: {@code conf.get(ConfigKeys.BINDING_PORT)}.
 */
public final class Conf {

  private final Map<String, String> values;

  public Conf(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** The key's value, parsed and checked, else its default. */
  public <T> T get(ConfigEntry<T> entry) {
    return entry.readFrom(values);
  }

  /** Whether the key was given (file, --conf or environment), whatever its value. */
  public boolean isSet(ConfigEntry<?> entry) {
    return values.containsKey(entry.key());
  }

  /**
   * Every {@code spark.*} key given, except our secrets, in key order: what the embedded Spark
   * driver is configured with (Spark's Connect keys included, as Spark's server has them).
   */
  public Map<String, String> sparkConf() {
    Map<String, String> spark = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          boolean secret = ConfigKeys.find(key).map(ConfigEntry::secret).orElse(false);
          if (key.startsWith("spark.") && !secret) {
            spark.put(key, value);
          }
        });
    return spark;
  }
}
