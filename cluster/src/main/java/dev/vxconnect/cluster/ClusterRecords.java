package dev.vxconnect.cluster;

import java.util.List;
import java.util.Map;

/**
 * What the cluster keeps now, for the admin API: the session records and kept artifacts by key
 * (at most a given number of each listed), the remembered closed ids and their bound, and the
 * sessions counted per user.
 *
 * @param sessions (user, session) of session records, up to the listing's bound
 * @param sessionCount all session records
 * @param artifacts (user, session, SHA-256) of kept artifact bytes, up to the listing's bound
 * @param artifactCount all kept artifacts
 * @param tombstones closed ids remembered
 * @param tombstoneBound the most closed ids remembered at once
 * @param sessionsPerUser sessions counted for each user (per-user limit)
 */
public record ClusterRecords(
    List<List<String>> sessions,
    int sessionCount,
    List<List<String>> artifacts,
    int artifactCount,
    int tombstones,
    int tombstoneBound,
    Map<String, Integer> sessionsPerUser) {}
