package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.vxconnect.cluster.Membership;
import dev.vxconnect.cluster.OperationCounts;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each instance's count of each user's operations in one IMap entry per (user, instance), and
 * a view of every entry in this member, kept by a listener on the map (loaded once at start).
 * Publishing is asynchronous and one at a time per user: while one write is on its way, later
 * counts wait and only the latest is sent after it, so that an older count never lands last.
 */
final class HazelcastOperationCounts implements OperationCounts {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastOperationCounts.class);

  private final IMap<String, Integer> counts;
  private final Membership membership;

  /** user -> (instance -> count), as published. */
  private final Map<String, Map<String, Integer>> view = new ConcurrentHashMap<>();

  /** This instance's latest count per user (one small entry per user seen). */
  private final Map<String, AtomicInteger> latest = new ConcurrentHashMap<>();

  /** Users whose count is being written now. */
  private final Map<String, Boolean> sending = new ConcurrentHashMap<>();

  HazelcastOperationCounts(HazelcastInstance hazelcast, Membership membership) {
    this.counts = hazelcast.getMap(HazelcastCluster.USER_OPERATIONS);
    this.membership = membership;
    counts.addEntryListener(new Listener(), true);
    counts.forEach((key, count) -> seen(key, count));
  }

  static String key(String userId, String instanceId) {
    return userId + "\u0000" + instanceId;
  }

  private void seen(String key, Integer count) {
    int at = key.lastIndexOf('\u0000');
    String user = key.substring(0, at);
    String instance = key.substring(at + 1);
    if (count == null || count == 0) {
      view.computeIfPresent(
          user,
          (u, instances) -> {
            instances.remove(instance);
            return instances.isEmpty() ? null : instances;
          });
    } else {
      view.computeIfAbsent(user, u -> new ConcurrentHashMap<>()).put(instance, count);
    }
  }

  @Override
  public void publish(String userId, int running) {
    latest.computeIfAbsent(userId, u -> new AtomicInteger()).set(running);
    if (sending.putIfAbsent(userId, Boolean.TRUE) == null) {
      send(userId);
    }
  }

  /** Writes the user's latest count, and again after it while it changed meanwhile. */
  private void send(String userId) {
    AtomicInteger now = latest.get(userId);
    int running = now.get();
    String key = key(userId, membership.self());
    (running == 0 ? counts.deleteAsync(key) : counts.setAsync(key, running))
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                LOG.warn(
                    "Could not publish the operations of user {} here: {}",
                    userId,
                    failure.toString());
              }
              if (now.get() != running) {
                send(userId);
                return;
              }
              sending.remove(userId);
              // A count set between the check and the removal found a write on its way: send it.
              if (now.get() != running && sending.putIfAbsent(userId, Boolean.TRUE) == null) {
                send(userId);
              }
            });
  }

  @Override
  public int elsewhere(String userId) {
    Map<String, Integer> instances = view.get(userId);
    if (instances == null) {
      return 0;
    }
    String self = membership.self();
    int sum = 0;
    for (Map.Entry<String, Integer> instance : instances.entrySet()) {
      if (!instance.getKey().equals(self) && membership.isAlive(instance.getKey())) {
        sum += instance.getValue();
      }
    }
    return sum;
  }

  /** Removes the entries of instances that are gone (done by one member, now and then). */
  int forgetGone() {
    int removed = 0;
    for (String key : counts.keySet()) {
      String instance = key.substring(key.lastIndexOf('\u0000') + 1);
      if (!membership.isAlive(instance)) {
        counts.delete(key);
        removed++;
      }
    }
    return removed;
  }

  private final class Listener
      implements EntryAddedListener<String, Integer>,
          EntryUpdatedListener<String, Integer>,
          EntryRemovedListener<String, Integer>,
          EntryEvictedListener<String, Integer>,
          EntryExpiredListener<String, Integer> {

    @Override
    public void entryAdded(EntryEvent<String, Integer> event) {
      seen(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, Integer> event) {
      seen(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, Integer> event) {
      seen(event.getKey(), null);
    }

    @Override
    public void entryEvicted(EntryEvent<String, Integer> event) {
      seen(event.getKey(), null);
    }

    @Override
    public void entryExpired(EntryEvent<String, Integer> event) {
      seen(event.getKey(), null);
    }
  }
}
