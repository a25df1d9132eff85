package dev.vxconnect.planner.spark;

import java.util.Map;
import scala.jdk.javaapi.CollectionConverters;

/** Java maps to the immutable Scala maps that Spark's APIs take. */
final class ScalaMaps {

  private ScalaMaps() {}

  static <K, V> scala.collection.immutable.Map<K, V> immutable(Map<K, V> map) {
    return scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(map));
  }

  static <K, V> scala.collection.immutable.Map<K, V> empty() {
    return scala.collection.immutable.Map$.MODULE$.empty();
  }
}
