package dev.vxconnect.planner.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.Dataset;

/**
 * The DataFrames each session persisted ({@code df.cache()} / {@code persist()}), so that closing
 * a session uncaches them: Spark's cache is shared by all sessions of the SparkContext and outlives
 * the session that filled it, holding its blocks and, through the cached plan, the session itself.
 *
 * <p>Spark keeps one cache entry for all plans with the same result, whoever cached them: a
 * session's close uncaches a plan only when no other open session has persisted the same one, so
 * that one client's close never empties another's cache. An unpersist (by anyone) drops the entry
 * for every session, as it drops Spark's.
 */
final class PersistedPlans {

  private record Persisted(String session, Dataset<Row> dataset, LogicalPlan plan) {}

  /** Persisted DataFrames by the semantic hash of their plan (equal for same-result plans). */
  private final Map<Integer, List<Persisted>> byHash = new HashMap<>();

  /** The hashes each session persisted under, so that a close visits only its own. */
  private final Map<String, List<Integer>> hashesBySession = new HashMap<>();

  /** {@code session} persisted {@code dataset} (after Spark did). */
  synchronized void persisted(String session, Dataset<Row> dataset) {
    LogicalPlan plan = dataset.queryExecution().analyzed();
    int hash = plan.semanticHash();
    byHash.computeIfAbsent(hash, h -> new ArrayList<>()).add(new Persisted(session, dataset, plan));
    hashesBySession.computeIfAbsent(session, s -> new ArrayList<>()).add(hash);
  }

  /** Whether {@code session} has DataFrames persisted that nobody unpersisted since. */
  synchronized boolean holdsAny(String session) {
    List<Integer> hashes = hashesBySession.get(session);
    return hashes != null
        && hashes.stream()
            .map(byHash::get)
            .filter(same -> same != null)
            .flatMap(List::stream)
            .anyMatch(p -> p.session().equals(session));
  }

  /** {@code dataset} was unpersisted: Spark's entry is gone for every session that cached it. */
  synchronized void unpersisted(Dataset<Row> dataset) {
    LogicalPlan plan = dataset.queryExecution().analyzed();
    List<Persisted> same = byHash.get(plan.semanticHash());
    if (same != null) {
      same.removeIf(p -> p.plan().sameResult(plan));
      if (same.isEmpty()) {
        byHash.remove(plan.semanticHash());
      }
    }
  }

  /**
   * Forgets what {@code session} persisted and returns the DataFrames to uncache: those no other
   * session persisted too.
   */
  synchronized List<Dataset<Row>> releasedBy(String session) {
    List<Integer> hashes = hashesBySession.remove(session);
    List<Dataset<Row>> release = new ArrayList<>();
    if (hashes == null) {
      return release;
    }
    for (int hash : hashes) {
      List<Persisted> same = byHash.get(hash);
      if (same == null) {
        continue; // already released (persisted twice under one hash) or unpersisted
      }
      List<Persisted> own = same.stream().filter(p -> p.session().equals(session)).toList();
      same.removeAll(own);
      for (Persisted mine : own) {
        boolean sharedWithOthers = same.stream().anyMatch(p -> p.plan().sameResult(mine.plan()));
        boolean alreadyListed =
            release.stream().anyMatch(d -> d.queryExecution().analyzed().sameResult(mine.plan()));
        if (!sharedWithOthers && !alreadyListed) {
          release.add(mine.dataset());
        }
      }
      if (same.isEmpty()) {
        byHash.remove(hash);
      }
    }
    return release;
  }

  /** How many persisted DataFrames are held, for tests. */
  synchronized int size() {
    return byHash.values().stream().mapToInt(List::size).sum();
  }
}
