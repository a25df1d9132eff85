package dev.vxconnect.cluster.hazelcast;

import com.hazelcast.map.MapStore;
import dev.vxconnect.cluster.jdbc.RecordTable;
import java.util.Collection;
import java.util.Map;

/**
 * Writes one of the cluster's maps through to the state database (Hazelcast calls it, write-through,
 * before a change is applied, so a change the caller saw succeed is durable) and reads an entry
 * back from it on a miss: after a restart of the whole cluster the records come back as they are
 * asked for. Nothing is loaded up front: no map is ever scanned, and sessions may be many.
 */
final class DurableMapStore implements MapStore<String, byte[]> {

  private final RecordTable table;

  DurableMapStore(RecordTable table) {
    this.table = table;
  }

  @Override
  public void store(String key, byte[] value) {
    table.store(key, value);
  }

  @Override
  public void storeAll(Map<String, byte[]> entries) {
    table.storeAll(entries);
  }

  @Override
  public void delete(String key) {
    table.delete(key);
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    table.deleteAll(keys);
  }

  @Override
  public byte[] load(String key) {
    return table.load(key).orElse(null);
  }

  @Override
  public Map<String, byte[]> loadAll(Collection<String> keys) {
    return table.loadAll(keys);
  }

  @Override
  public Iterable<String> loadAllKeys() {
    return null;
  }
}
