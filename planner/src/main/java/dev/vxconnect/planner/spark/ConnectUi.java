package dev.vxconnect.planner.spark;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.connect.ui.SparkConnectServerAppStatusStore;
import org.apache.spark.sql.connect.ui.SparkConnectServerListener;
import org.apache.spark.sql.connect.ui.SparkConnectServerTab;
import org.apache.spark.status.ElementTrackingStore;

/**
 * The Spark UI's Connect tab, as Spark's own Connect server sets it up at start: Spark's listener
 * turns the Connect session and operation events (SessionEvents, OperationEvents) into the status
 * store's session and statement entries, and Spark's tab renders them. The listener sits on the
 * status queue, so it is fed on Spark's listener thread; the pages render on the UI's Jetty
 * threads. Event logs carry the same events, so a History Server with Spark's Connect plugin shows
 * the tab too.
 */
final class ConnectUi {

  /** Contexts already attached: an engine started again in one JVM reuses the SparkContext. */
  private static final Set<SparkContext> ATTACHED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private ConnectUi() {}

  static void attach(SparkContext sc) {
    if (!ATTACHED.add(sc)) {
      return;
    }
    ElementTrackingStore store = (ElementTrackingStore) sc.statusStore().store();
    sc.listenerBus().addToStatusQueue(new SparkConnectServerListener(store, sc.conf(), true));
    if (sc.ui().isDefined()) {
      // The tab attaches itself to the UI in its constructor.
      new SparkConnectServerTab(new SparkConnectServerAppStatusStore(store), sc.ui().get());
    }
  }
}
