package dev.vxconnect.server.admin;

import dev.vxconnect.cluster.Cluster;
import dev.vxconnect.cluster.ClusterRecords;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the cluster keeps, as any instance sees it (the records are shared: no instance is asked):
 * how many session records, kept artifacts and closed ids (with their bound), the keys of the
 * first {@value #MAX_KEYS} records and artifacts, and the sessions counted per user. For
 * operators checking that nothing is left behind, and for the tests that check it.
 */
final class RecordsListing {

  static final int MAX_KEYS = 1_000;

  private final Cluster cluster;

  RecordsListing(Cluster cluster) {
    this.cluster = cluster;
  }

  Future<JsonObject> build() {
    return cluster.records(MAX_KEYS).map(RecordsListing::json);
  }

  private static JsonObject json(ClusterRecords records) {
    JsonObject perUser = new JsonObject();
    records.sessionsPerUser().forEach(perUser::put);
    return new JsonObject()
        .put("sessionRecords", records.sessionCount())
        .put("sessions", keys(records.sessions(), "user", "session"))
        .put("artifactCount", records.artifactCount())
        .put("artifacts", keys(records.artifacts(), "user", "session", "sha256"))
        .put("tombstones", records.tombstones())
        .put("tombstoneBound", records.tombstoneBound())
        .put("sessionsPerUser", perUser);
  }

  private static JsonArray keys(List<List<String>> keys, String... names) {
    JsonArray listed = new JsonArray();
    for (List<String> key : keys) {
      JsonObject entry = new JsonObject();
      for (int i = 0; i < names.length && i < key.size(); i++) {
        entry.put(names[i], key.get(i));
      }
      listed.add(entry);
    }
    return listed;
  }
}
