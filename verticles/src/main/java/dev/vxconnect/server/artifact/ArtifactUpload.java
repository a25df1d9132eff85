package dev.vxconnect.server.artifact;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.server.call.RpcFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.spark.connect.proto.AddArtifactsRequest;
import org.apache.spark.connect.proto.AddArtifactsResponse;

/**
 * One AddArtifacts call: reassembles the client's artifacts (single-chunk batches or one chunked
 * artifact at a time) into files under a private staging directory, checking every chunk's CRC,
 * and bounds the bytes one call may upload. Blocking file I/O: run it on a worker thread.
 */
public final class ArtifactUpload implements AutoCloseable {

  /** One received artifact and whether all its chunks passed the CRC check. */
  public record Staged(String name, Path file, boolean crcOk) {}

  /** The call sent more than the upload may take. */
  public static final class TooLarge extends IllegalArgumentException {
    private final long maxBytes;

    TooLarge(long maxBytes) {
      super("An AddArtifacts call may upload at most " + maxBytes + " bytes");
      this.maxBytes = maxBytes;
    }

    public long maxBytes() {
      return maxBytes;
    }
  }

  private final Path directory;
  private final long maxBytes;
  private final List<Staged> staged = new ArrayList<>();
  private long bytes;
  private Chunked open;

  public ArtifactUpload(Path directory, long maxBytes) throws IOException {
    this.directory = Files.createDirectories(directory);
    this.maxBytes = maxBytes;
  }

  /** Takes one request message of the stream. */
  public void accept(AddArtifactsRequest request) throws IOException {
    switch (request.getPayloadCase()) {
      case BATCH -> {
        requireNoOpenArtifact();
        for (AddArtifactsRequest.SingleChunkArtifact artifact :
            request.getBatch().getArtifactsList()) {
          Chunked single = begin(artifact.getName(), 1, artifact.getData().getData().size());
          single.write(artifact.getData());
          finish(single);
        }
      }
      case BEGIN_CHUNK -> {
        requireNoOpenArtifact();
        AddArtifactsRequest.BeginChunkedArtifact begin = request.getBeginChunk();
        open = begin(begin.getName(), begin.getNumChunks(), begin.getTotalBytes());
        open.write(begin.getInitialChunk());
        if (open.isDone()) {
          finish(open);
          open = null;
        }
      }
      case CHUNK -> {
        if (open == null) {
          throw invalid("A chunk arrived without a preceding begin_chunk");
        }
        open.write(request.getChunk());
        if (open.isDone()) {
          finish(open);
          open = null;
        }
      }
      default -> throw invalid("Unsupported data transfer request: " + request.getPayloadCase());
    }
  }

  /** Bytes received so far. */
  public long bytes() {
    return bytes;
  }

  /** Every artifact received, once the client has finished sending. */
  public List<Staged> complete() {
    if (open != null) {
      throw invalid(
          "Missing data chunks for artifact: "
              + open.name
              + ". Expected "
              + open.chunks
              + " chunks and received "
              + open.received
              + ".");
    }
    return List.copyOf(staged);
  }

  public static AddArtifactsResponse.ArtifactSummary summary(Staged staged) {
    return AddArtifactsResponse.ArtifactSummary.newBuilder()
        .setName(staged.name())
        .setIsCrcSuccessful(staged.crcOk())
        .build();
  }

  /** Deletes the staging directory and whatever is left in it. */
  @Override
  public void close() throws IOException {
    if (open != null) {
      open.out.close();
    }
    if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void requireNoOpenArtifact() {
    if (open != null) {
      throw invalid("Artifact " + open.name + " is still missing chunks");
    }
  }

  private Chunked begin(String name, long chunks, long totalBytes) throws IOException {
    Path relative = ArtifactNames.check(name);
    if (chunks <= 0 || totalBytes < 0) {
      throw invalid("Invalid chunk count or size for artifact " + name);
    }
    Path file = directory.resolve(relative);
    if (!file.normalize().startsWith(directory) || Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw invalid("Duplicate or invalid artifact name: " + name);
    }
    Files.createDirectories(file.getParent());
    return new Chunked(name, file, chunks, totalBytes, Files.newOutputStream(file));
  }

  private void finish(Chunked artifact) throws IOException {
    artifact.out.close();
    if (artifact.written != artifact.totalBytes) {
      throw invalid(
          "Artifact "
              + artifact.name
              + " declared "
              + artifact.totalBytes
              + " bytes but "
              + artifact.written
              + " arrived");
    }
    staged.add(new Staged(artifact.name, artifact.file, artifact.crcOk));
  }

  private final class Chunked {
    final String name;
    final Path file;
    final long chunks;
    final long totalBytes;
    final OutputStream out;
    long received;
    long written;
    boolean crcOk = true;

    Chunked(String name, Path file, long chunks, long totalBytes, OutputStream out) {
      this.name = name;
      this.file = file;
      this.chunks = chunks;
      this.totalBytes = totalBytes;
      this.out = out;
    }

    void write(AddArtifactsRequest.ArtifactChunk chunk) throws IOException {
      if (received == chunks) {
        throw invalid(
            "Excessive data chunks for artifact: "
                + name
                + ", expected "
                + chunks
                + " chunks in total.");
      }
      bytes += chunk.getData().size();
      if (bytes > maxBytes) {
        throw new TooLarge(maxBytes);
      }
      byte[] data = chunk.getData().toByteArray();
      CRC32 crc = new CRC32();
      crc.update(data);
      crcOk &= crc.getValue() == chunk.getCrc();
      out.write(data);
      written += data.length;
      received++;
    }

    boolean isDone() {
      return received == chunks;
    }
  }

  /**
   * A request the upload cannot take as sent: the client's mistake, INVALID_ARGUMENT with what was
   * wrong (Spark's handler throws plain JVM exceptions, which reach the client as INTERNAL).
   */
  private static RpcFailure invalid(String message) {
    return RpcFailure.of(ErrorStatus.INVALID_ARGUMENT, message);
  }
}
