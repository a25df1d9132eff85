package dev.vxconnect.planner;

import java.util.List;

/**
 * What a state-changing request did to the session's catalog state, as far as the session's record
 * needs to know to stay short: the current catalog and namespace it left (a run of such changes is
 * kept as its last one), or the table or view it cached or uncached (a cache that is uncached
 * again leaves the record).
 *
 * @param kind what the request did
 * @param name CACHE, CACHE_WITH_VIEW, UNCACHE: the table or view, as a quoted multipart name
 *     resolved when the request ran (the same object always gets the same name); else empty
 * @param catalog CURRENT_NAMESPACE: the current catalog after the request; else empty
 * @param namespace CURRENT_NAMESPACE: the current namespace in it; else empty
 */
public record CatalogEffect(Kind kind, String name, String catalog, List<String> namespace) {

  public enum Kind {
    /** USE, setCurrentDatabase, setCurrentCatalog. */
    CURRENT_NAMESPACE,
    /** CACHE TABLE t, catalog.cacheTable(t). */
    CACHE,
    /** CACHE TABLE v AS SELECT: creates the temporary view v and caches it. */
    CACHE_WITH_VIEW,
    /** UNCACHE TABLE t, catalog.uncacheTable(t). */
    UNCACHE,
    /** CLEAR CACHE, catalog.clearCache(). */
    CLEAR_CACHE
  }

  public CatalogEffect {
    namespace = List.copyOf(namespace);
  }

  public static CatalogEffect currentNamespace(String catalog, List<String> namespace) {
    return new CatalogEffect(Kind.CURRENT_NAMESPACE, "", catalog, namespace);
  }

  public static CatalogEffect onCache(Kind kind, String name) {
    return new CatalogEffect(kind, name, "", List.of());
  }
}
