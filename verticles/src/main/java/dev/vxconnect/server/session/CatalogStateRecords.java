package dev.vxconnect.server.session;

import dev.vxconnect.planner.CatalogEffect;
import dev.vxconnect.proto.cluster.SessionRecord;
import dev.vxconnect.proto.cluster.StateChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Adds a change of the session's catalog state to its record so that the record holds what is in
 * force, not every step that led to it: a run of current-namespace changes is kept as its last one
 * (replayed as the catalog and namespace it left, not as the request), and a cached table or view
 * leaves the record when it is uncached again (UNCACHE TABLE, uncacheTable, clearCache). Cache
 * changes can go: caching changes no other change's meaning, and the record keeps every change
 * between in its order. A CACHE TABLE v AS SELECT also created its view, so it stays and is marked
 * uncached instead. Every other change is appended as it came.
 *
 * <p>So repeating such changes does not grow the record: it holds at most one namespace change per
 * other change, and one cache change per table or view cached and not uncached. An uncache or a
 * clearCache is never itself recorded: replayed on another instance it would uncache what other
 * sessions there cached (Spark's cache is shared by the sessions of an instance).
 */
final class CatalogStateRecords {

  private CatalogStateRecords() {}

  /** {@code record} with {@code change}, a request that has run and did {@code effect}. */
  static SessionRecord apply(
      SessionRecord record, StateChange change, Optional<CatalogEffect> effect) {
    if (effect.isEmpty()) {
      return record.toBuilder().addChanges(change).build();
    }
    CatalogEffect done = effect.get();
    List<StateChange> changes = new ArrayList<>(record.getChangesList());
    switch (done.kind()) {
      case CURRENT_NAMESPACE ->
          changes.add(
              StateChange.newBuilder()
                  .setKind(StateChange.Kind.CURRENT_NAMESPACE)
                  .setCatalog(done.catalog())
                  .addAllNamespace(done.namespace())
                  .build());
      case CACHE -> {
        changes.removeIf(c -> isPlainCacheOf(c, done.name()));
        changes.add(change.toBuilder().setCached(done.name()).build());
      }
      case CACHE_WITH_VIEW ->
          changes.add(change.toBuilder().setCached(done.name()).setCachedWithView(true).build());
      case UNCACHE -> uncache(changes, done.name());
      case CLEAR_CACHE -> uncache(changes, null);
      default -> changes.add(change);
    }
    return record.toBuilder().clearChanges().addAllChanges(lastOfEachNamespaceRun(changes)).build();
  }

  /**
   * The changes without a current-namespace change that another follows at once (also once an
   * uncache removed what was between them): the later one sets both the catalog and the namespace,
   * and nothing replayed between the two depended on the earlier.
   */
  private static List<StateChange> lastOfEachNamespaceRun(List<StateChange> changes) {
    List<StateChange> kept = new ArrayList<>(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      boolean superseded =
          changes.get(i).getKind() == StateChange.Kind.CURRENT_NAMESPACE
              && i + 1 < changes.size()
              && changes.get(i + 1).getKind() == StateChange.Kind.CURRENT_NAMESPACE;
      if (!superseded) {
        kept.add(changes.get(i));
      }
    }
    return kept;
  }

  /** Uncaches {@code name} (every cached table and view when null) in the record's changes. */
  private static void uncache(List<StateChange> changes, String name) {
    changes.removeIf(c -> isPlainCacheOf(c, name));
    changes.replaceAll(
        c ->
            !c.getCached().isEmpty()
                    && c.getCachedWithView()
                    && (name == null || c.getCached().equals(name))
                ? c.toBuilder().setUncached(true).build()
                : c);
  }

  private static boolean isPlainCacheOf(StateChange change, String name) {
    return !change.getCached().isEmpty()
        && !change.getCachedWithView()
        && (name == null || change.getCached().equals(name));
  }
}
