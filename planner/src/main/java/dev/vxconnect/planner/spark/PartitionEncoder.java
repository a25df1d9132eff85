package dev.vxconnect.planner.spark;

import dev.vxconnect.planner.spark.PartitionOutput.SpilledBlock;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.runtime.AbstractFunction1;

/**
 * What a task of a result window runs: its partition's Arrow batches, the first ones inline up to
 * the partition's share of the window ({@code inlineBytes}), the rest spilled to blocks ({@link
 * BlockSpill}). A task cannot wait for the client (it would hold an executor core, and a retried
 * or speculative attempt would stream twice), so a partition larger than its share is written out
 * whole, and the driver fetches its blocks one at a time as the client reads.
 */
final class PartitionEncoder
    extends AbstractFunction1<scala.collection.Iterator<InternalRow>, PartitionOutput>
    implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final SpilledBlock[] NONE = new SpilledBlock[0];

  private final ArrowBatchEncoder encoder;
  private final long inlineBytes;
  private final long blockBytes;
  private final long streamKey;

  PartitionEncoder(ArrowBatchEncoder encoder, long inlineBytes, long blockBytes, long streamKey) {
    this.encoder = encoder;
    this.inlineBytes = inlineBytes;
    this.blockBytes = blockBytes;
    this.streamKey = streamKey;
  }

  @Override
  public PartitionOutput apply(scala.collection.Iterator<InternalRow> rows) {
    Iterator<ArrowBatch> batches = encoder.batches(rows);
    List<ArrowBatch> inline = new ArrayList<>();
    long held = 0;
    while (batches.hasNext()) {
      ArrowBatch batch = batches.next();
      if (held + batch.data().size() > inlineBytes) {
        return spillFrom(batch, batches, inline);
      }
      inline.add(batch);
      held += batch.data().size();
    }
    return new PartitionOutput(inline.toArray(new ArrowBatch[0]), NONE);
  }

  private PartitionOutput spillFrom(
      ArrowBatch first, Iterator<ArrowBatch> rest, List<ArrowBatch> inline) {
    BlockSpill spill = new BlockSpill(streamKey, TaskContext.get().taskAttemptId(), blockBytes);
    try {
      spill.add(first);
      while (rest.hasNext()) {
        spill.add(rest.next());
      }
      return new PartitionOutput(inline.toArray(new ArrowBatch[0]), spill.finish());
    } catch (Throwable t) {
      // Killed (an interrupt, a cancelled job) or failed: nobody will read these blocks.
      spill.discard();
      throw t;
    }
  }
}
