package dev.vxconnect.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.vxconnect.planner.CatalogEffect;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.proto.cluster.StateChange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How catalog changes enter a session's record: what is in force, in order, and no more. */
class CatalogStateRecordsTest {

  private static StateChange request(String text) {
    return StateChange.newBuilder()
        .setKind(StateChange.Kind.EXECUTE_PLAN)
        .setRequest(ByteString.copyFromUtf8(text))
        .build();
  }

  private static SessionRecord add(SessionRecord record, String request, CatalogEffect effect) {
    return CatalogStateRecords.apply(record, request(request), Optional.ofNullable(effect));
  }

  private static List<String> requests(SessionRecord record) {
    return record.getChangesList().stream()
        .map(
            c ->
                c.getKind() == StateChange.Kind.CURRENT_NAMESPACE
                    ? "namespace " + c.getCatalog() + "." + String.join(".", c.getNamespaceList())
                    : c.getRequest().toStringUtf8() + (c.getUncached() ? " (uncached)" : ""))
        .toList();
  }

  private static CatalogEffect cache(String name) {
    return CatalogEffect.onCache(CatalogEffect.Kind.CACHE, name);
  }

  private static CatalogEffect uncache(String name) {
    return CatalogEffect.onCache(CatalogEffect.Kind.UNCACHE, name);
  }

  @Test
  void otherChangesAreAppendedAsTheyCame() {
    SessionRecord record =
        add(add(SessionRecord.getDefaultInstance(), "create view a", null), "drop view a", null);
    assertThat(requests(record)).containsExactly("create view a", "drop view a");
  }

  @Test
  void aRunOfNamespaceChangesIsKeptAsItsLastInItsPlace() {
    SessionRecord record = SessionRecord.getDefaultInstance();
    record = add(record, "use a", CatalogEffect.currentNamespace("spark_catalog", List.of("a")));
    record = add(record, "use b", CatalogEffect.currentNamespace("spark_catalog", List.of("b")));
    record = add(record, "create view v", null);
    record = add(record, "use c", CatalogEffect.currentNamespace("other", List.of("x", "y")));
    record = add(record, "use d", CatalogEffect.currentNamespace("spark_catalog", List.of("d")));
    // The view was made with b current: that change stays before it.
    assertThat(requests(record))
        .containsExactly("namespace spark_catalog.b", "create view v", "namespace spark_catalog.d");
    assertThat(record.getChanges(0).getRequest().isEmpty())
        .as("replayed from what it left")
        .isTrue();
  }

  @Test
  void aCacheLeavesTheRecordWhenUncachedAndCachingAgainKeepsOne() {
    SessionRecord record = SessionRecord.getDefaultInstance();
    record = add(record, "create view v", null);
    record = add(record, "cache v", cache("`v`"));
    record = add(record, "cache t", cache("`spark_catalog`.`db`.`t`"));
    record = add(record, "cache t again", cache("`spark_catalog`.`db`.`t`"));
    assertThat(requests(record)).containsExactly("create view v", "cache v", "cache t again");
    assertThat(record.getChanges(2).getCached()).isEqualTo("`spark_catalog`.`db`.`t`");

    record = add(record, "uncache v", uncache("`v`"));
    assertThat(requests(record)).containsExactly("create view v", "cache t again");
    // An uncache of what the record does not cache is not recorded (it would uncache other
    // sessions' caches on the instance that replays it).
    SessionRecord unchanged = add(record, "uncache w", uncache("`w`"));
    assertThat(unchanged).isEqualTo(record);
  }

  @Test
  void repeatingCacheAndUncacheDoesNotGrowTheRecord() {
    SessionRecord record = add(SessionRecord.getDefaultInstance(), "create view v", null);
    for (int i = 0; i < 1_000; i++) {
      record = add(record, "cache v", cache("`v`"));
      record =
          add(record, "use a", CatalogEffect.currentNamespace("spark_catalog", List.of("a" + i)));
      record = add(record, "uncache v", uncache("`v`"));
      record =
          add(record, "use b", CatalogEffect.currentNamespace("spark_catalog", List.of("b" + i)));
    }
    assertThat(requests(record)).containsExactly("create view v", "namespace spark_catalog.b999");
  }

  @Test
  void aCachedSelectKeepsItsViewWhenUncachedOrCleared() {
    SessionRecord record = SessionRecord.getDefaultInstance();
    record =
        add(
            record,
            "cache v as select",
            CatalogEffect.onCache(CatalogEffect.Kind.CACHE_WITH_VIEW, "`v`"));
    record = add(record, "cache t", cache("`t`"));
    record = add(record, "uncache v", uncache("`v`"));
    assertThat(requests(record)).containsExactly("cache v as select (uncached)", "cache t");

    record =
        add(
            record,
            "cache w as select",
            CatalogEffect.onCache(CatalogEffect.Kind.CACHE_WITH_VIEW, "`w`"));
    record = add(record, "clear cache", CatalogEffect.onCache(CatalogEffect.Kind.CLEAR_CACHE, ""));
    assertThat(requests(record))
        .containsExactly("cache v as select (uncached)", "cache w as select (uncached)");

    // Cached again: the view's change stays, a new cache change follows.
    record = add(record, "cache v", cache("`v`"));
    assertThat(requests(record))
        .containsExactly("cache v as select (uncached)", "cache w as select (uncached)", "cache v");
  }
}
