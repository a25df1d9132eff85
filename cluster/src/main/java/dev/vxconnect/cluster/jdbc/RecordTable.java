package dev.vxconnect.cluster.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable copy of one of the cluster's maps: rows of (map, key, value bytes) in
 * {@code vxconnect_records}. Each call is one statement (or one transaction for a batch) on a
 * pooled connection, and blocks; a failure is a {@link dev.vxconnect.cluster.StateUnavailableException}.
 */
public final class RecordTable {

  /** Keys per statement when many are read or deleted at once. */
  private static final int CHUNK = 500;

  private final StateDatabase database;
  private final String map;

  RecordTable(StateDatabase database, String map) {
    this.database = database;
    this.map = map;
  }

  public String map() {
    return map;
  }

  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }

  public Optional<byte[]> load(String key) {
    try (Connection c = database.connection();
        PreparedStatement s =
            c.prepareStatement("SELECT value FROM vxconnect_records WHERE map = ? AND key = ?")) {
      s.setString(1, map);
      s.setBytes(2, bytes(key));
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw database.unavailable(e);
    }
  }

  public Map<String, byte[]> loadAll(Collection<String> keys) {
    Map<String, byte[]> found = new HashMap<>();
    try (Connection c = database.connection()) {
      for (List<String> chunk : chunks(keys)) {
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT key, value FROM vxconnect_records WHERE map = ? AND key IN ("
                    + placeholders(chunk.size())
                    + ")")) {
          s.setString(1, map);
          for (int i = 0; i < chunk.size(); i++) {
            s.setBytes(i + 2, bytes(chunk.get(i)));
          }
          try (ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
              found.put(new String(rows.getBytes(1), StandardCharsets.UTF_8), rows.getBytes(2));
            }
          }
        }
      }
      return found;
    } catch (SQLException e) {
      throw database.unavailable(e);
    }
  }

  /** Every key of the map (for tests and tools: the cluster loads records on demand). */
  public List<String> keys() {
    try (Connection c = database.connection();
        PreparedStatement s =
            c.prepareStatement("SELECT key FROM vxconnect_records WHERE map = ?")) {
      s.setString(1, map);
      List<String> keys = new ArrayList<>();
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          keys.add(new String(rows.getBytes(1), StandardCharsets.UTF_8));
        }
      }
      return keys;
    } catch (SQLException e) {
      throw database.unavailable(e);
    }
  }

  public void store(String key, byte[] value) {
    storeAll(Map.of(key, value));
  }

  /** Inserts or replaces the entries, all or none. */
  public void storeAll(Map<String, byte[]> entries) {
    try (Connection c = database.connection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(entries.size() <= 1);
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO vxconnect_records (map, key, value) VALUES (?, ?, ?)"
                  + " ON CONFLICT (map, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()")) {
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
          s.setString(1, map);
          s.setBytes(2, bytes(entry.getKey()));
          s.setBytes(3, entry.getValue());
          s.addBatch();
        }
        s.executeBatch();
        if (!c.getAutoCommit()) {
          c.commit();
        }
      } catch (SQLException e) {
        if (!c.getAutoCommit()) {
          c.rollback();
        }
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw database.unavailable(e);
    }
  }

  public void delete(String key) {
    deleteAll(List.of(key));
  }

  public void deleteAll(Collection<String> keys) {
    try (Connection c = database.connection()) {
      for (List<String> chunk : chunks(keys)) {
        try (PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM vxconnect_records WHERE map = ? AND key IN ("
                    + placeholders(chunk.size())
                    + ")")) {
          s.setString(1, map);
          for (int i = 0; i < chunk.size(); i++) {
            s.setBytes(i + 2, bytes(chunk.get(i)));
          }
          s.executeUpdate();
        }
      }
    } catch (SQLException e) {
      throw database.unavailable(e);
    }
  }

  /** Deletes the records not written for {@code age}; returns how many. */
  public int deleteOlderThan(Duration age) {
    try (Connection c = database.connection();
        PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM vxconnect_records WHERE map = ? AND updated_at < now() - make_interval(secs => ?)")) {
      s.setString(1, map);
      s.setDouble(2, age.toMillis() / 1000.0);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw database.unavailable(e);
    }
  }

  /** Keeps only the {@code newest} most recently written records; returns how many were deleted. */
  public int keepNewest(int newest) {
    try (Connection c = database.connection();
        PreparedStatement s =
            c.prepareStatement(
                "DELETE FROM vxconnect_records WHERE map = ? AND key IN ("
                    + "SELECT key FROM vxconnect_records WHERE map = ? ORDER BY updated_at DESC, key OFFSET ?)")) {
      s.setString(1, map);
      s.setString(2, map);
      s.setInt(3, newest);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw database.unavailable(e);
    }
  }

  private static List<List<String>> chunks(Collection<String> keys) {
    List<String> all = new ArrayList<>(keys);
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < all.size(); from += CHUNK) {
      chunks.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
    }
    return chunks;
  }

  private static String placeholders(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }
}
