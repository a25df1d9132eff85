package dev.vxconnect.planner.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.Iterator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil.CodecType;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.arrow.ArrowWriter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;
import org.apache.spark.util.SizeEstimator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The Arrow batches of one partition's rows, built one at a time. Each batch is what Spark 4.1.2's
 * {@code ArrowConverters.toBatchWithSchemaIterator} would make of the same rows, byte for byte and
 * cut at the same rows: a complete IPC stream (schema, one record batch, end of stream). The only
 * difference is where the bytes go: into chunks ({@link ChunkedOutputStream}), where Spark grows a
 * ByteArrayOutputStream and copies it, several humongous arrays per batch of a few MiB.
 *
 * <p>The rows are written with Spark's own ArrowWriter and the messages with Arrow's serializer,
 * so the bytes stay Spark's; what is ours, and must follow Spark, is when a batch ends: once its
 * record limit is reached, or once its estimated size (the schema's in-memory size, plus each
 * row's UnsafeRow size or 16 bytes a field) reaches the byte limit, with at least one row per batch
 * when there is a byte limit. A limit of 0 or less means none. {@code ArrowBatchesTest} holds the
 * two encoders to the same output, so a Spark upgrade that changes Spark's shows up there.
 */
final class ArrowBatches implements Iterator<ArrowBatch>, AutoCloseable {

  private final scala.collection.Iterator<InternalRow> rows;
  private final long maxRecordsPerBatch;
  private final long maxBatchBytes;
  private final Schema arrowSchema;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final VectorUnloader unloader;
  private final ArrowWriter writer;

  /** Where each batch's size estimate starts, as in Spark. */
  private final long schemaBytes;

  ArrowBatches(
      scala.collection.Iterator<InternalRow> rows,
      StructType schema,
      long maxRecordsPerBatch,
      long maxBatchBytes,
      String timeZoneId,
      boolean largeVarTypes) {
    this.rows = rows;
    this.maxRecordsPerBatch = maxRecordsPerBatch;
    this.maxBatchBytes = maxBatchBytes;
    // Duplicated field names are allowed, as in Spark's result path.
    this.arrowSchema = ArrowUtils.toArrowSchema(schema, timeZoneId, false, largeVarTypes);
    this.allocator =
        ArrowUtils.rootAllocator().newChildAllocator("vxconnect-arrow-batches", 0, Long.MAX_VALUE);
    this.root = VectorSchemaRoot.create(arrowSchema, allocator);
    this.unloader = new VectorUnloader(root, true, compressionCodec(), true);
    this.writer = ArrowWriter.create(root);
    TaskContext task = TaskContext.get();
    if (task != null) {
      // A task that stops early (a limit, a failure, a kill) never drains the rows.
      task.addTaskCompletionListener((TaskCompletionListener) context -> close());
    }
    this.schemaBytes = SizeEstimator.estimate(arrowSchema);
  }

  @Override
  public boolean hasNext() {
    if (rows.hasNext()) {
      return true;
    }
    close();
    return false;
  }

  @Override
  public ArrowBatch next() {
    ChunkedOutputStream out = new ChunkedOutputStream();
    WriteChannel channel = new WriteChannel(Channels.newChannel(out));
    long rowCount = 0;
    long estimatedBytes = schemaBytes;
    try {
      MessageSerializer.serialize(channel, arrowSchema);
      while (rows.hasNext()
          && ((rowCount == 0 && maxBatchBytes > 0)
              || (!reached(estimatedBytes, maxBatchBytes)
                  && !reached(rowCount, maxRecordsPerBatch)))) {
        InternalRow row = rows.next();
        writer.write(row);
        estimatedBytes +=
            row instanceof UnsafeRow unsafe ? unsafe.getSizeInBytes() : row.numFields() * 16;
        rowCount++;
      }
      writer.finish();
      try (ArrowRecordBatch batch = unloader.getRecordBatch()) {
        MessageSerializer.serialize(channel, batch);
        ArrowStreamWriter.writeEndOfStream(channel, IpcOption.DEFAULT);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // written to memory: never
    } finally {
      writer.reset();
    }
    return new ArrowBatch(out.toArrowBytes(), rowCount);
  }

  /** Frees the Arrow vectors; again when the task completes, which is harmless. */
  @Override
  public void close() {
    root.close();
    allocator.close();
  }

  /** Whether a count has reached its limit; 0 or less is no limit. */
  private static boolean reached(long count, long limit) {
    return limit > 0 && count >= limit;
  }

  /**
   * The codec Spark's encoder reads from the SQL conf where it runs
   * (spark.sql.execution.arrow.compression.codec). As in Spark 4.1.2, zstd is created with the
   * factory's default level, whatever spark.sql.execution.arrow.zstd.compressionLevel says.
   */
  private static CompressionCodec compressionCodec() {
    String name = SQLConf.get().arrowCompressionCodec();
    return switch (name) {
      case "none" -> NoCompressionCodec.INSTANCE;
      case "zstd" -> CompressionCodec.Factory.INSTANCE.createCodec(CodecType.ZSTD);
      case "lz4" -> CompressionCodec.Factory.INSTANCE.createCodec(CodecType.LZ4_FRAME);
      default ->
          throw Throwables.rethrow(
              SparkException.internalError(
                  "Unsupported Arrow compression codec: "
                      + name
                      + ". Supported values: none, zstd, lz4"));
    };
  }
}
