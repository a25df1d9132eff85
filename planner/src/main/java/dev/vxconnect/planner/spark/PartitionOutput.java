package dev.vxconnect.planner.spark;

import java.io.Serializable;
import java.util.UUID;

/**
 * What one task hands back for its partition: its first Arrow batches inline (the task result, up
 * to the partition's share of the window) and the rest, in order, as blocks on the executor's disk.
 */
record PartitionOutput(ArrowBatch[] inline, SpilledBlock[] spilled) implements Serializable {

  /** One block of batches written by {@link BlockSpill}, named by a UUID of the result stream. */
  record SpilledBlock(UUID id, long bytes, long rows) implements Serializable {}

  long bytes() {
    long bytes = 0;
    for (ArrowBatch batch : inline) {
      bytes += batch.data().size();
    }
    for (SpilledBlock block : spilled) {
      bytes += block.bytes();
    }
    return bytes;
  }

  long rows() {
    long rows = 0;
    for (ArrowBatch batch : inline) {
      rows += batch.rowCount();
    }
    for (SpilledBlock block : spilled) {
      rows += block.rows();
    }
    return rows;
  }
}
