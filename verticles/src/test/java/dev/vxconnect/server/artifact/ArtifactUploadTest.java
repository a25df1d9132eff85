package dev.vxconnect.server.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.planner.ErrorStatus;
import dev.vxconnect.planner.SparkErrors;
import dev.vxconnect.server.call.RpcFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.spark.SparkThrowable;
import org.apache.spark.connect.proto.AddArtifactsRequest;
import org.apache.spark.connect.proto.AddArtifactsRequest.ArtifactChunk;
import org.apache.spark.connect.proto.AddArtifactsRequest.Batch;
import org.apache.spark.connect.proto.AddArtifactsRequest.BeginChunkedArtifact;
import org.apache.spark.connect.proto.AddArtifactsRequest.SingleChunkArtifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkproject.connect.protobuf.ByteString;

class ArtifactUploadTest {

  private static final long NO_LIMIT = Long.MAX_VALUE;

  @TempDir Path temp;

  @Test
  void batchOfSingleChunkArtifacts() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp.resolve("staging"), NO_LIMIT)) {
      upload.accept(
          batch(single("jars/a.jar", bytes("first")), single("files/b.txt", bytes("second"))));

      List<ArtifactUpload.Staged> staged = upload.complete();

      assertThat(staged)
          .extracting(ArtifactUpload.Staged::name)
          .containsExactly("jars/a.jar", "files/b.txt");
      assertThat(staged).allMatch(ArtifactUpload.Staged::crcOk);
      assertThat(staged.get(0).file()).isEqualTo(temp.resolve("staging/jars/a.jar"));
      assertThat(Files.readString(staged.get(0).file())).isEqualTo("first");
      assertThat(Files.readString(staged.get(1).file())).isEqualTo("second");
      assertThat(ArtifactUpload.summary(staged.get(0)).getIsCrcSuccessful()).isTrue();
      assertThat(ArtifactUpload.summary(staged.get(0)).getName()).isEqualTo("jars/a.jar");
    }
  }

  @Test
  void chunkedArtifactIsReassembledInOrder() throws IOException {
    byte[] data = new byte[100_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    try (ArtifactUpload upload = new ArtifactUpload(temp, NO_LIMIT)) {
      upload.accept(begin("cache/abc", data.length, 3, chunk(Arrays.copyOfRange(data, 0, 40_000))));
      upload.accept(chunkRequest(chunk(Arrays.copyOfRange(data, 40_000, 80_000))));
      upload.accept(chunkRequest(chunk(Arrays.copyOfRange(data, 80_000, 100_000))));
      upload.accept(batch(single("jars/after.jar", bytes("x"))));

      List<ArtifactUpload.Staged> staged = upload.complete();

      assertThat(staged)
          .extracting(ArtifactUpload.Staged::name)
          .containsExactly("cache/abc", "jars/after.jar");
      assertThat(staged.get(0).crcOk()).isTrue();
      assertThat(Files.readAllBytes(staged.get(0).file())).isEqualTo(data);
    }
  }

  @Test
  void singleChunkBeginCompletesTheArtifact() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp, NO_LIMIT)) {
      upload.accept(begin("jars/one.jar", 3, 1, chunk(bytes("abc"))));

      assertThat(upload.complete())
          .extracting(ArtifactUpload.Staged::name)
          .containsExactly("jars/one.jar");
    }
  }

  @Test
  void crcFailureIsReported() throws IOException {
    ArtifactChunk bad =
        ArtifactChunk.newBuilder()
            .setData(ByteString.copyFrom(bytes("payload")))
            .setCrc(crc(bytes("payload")) + 1)
            .build();
    try (ArtifactUpload upload = new ArtifactUpload(temp, NO_LIMIT)) {
      upload.accept(
          batch(
              single("jars/ok.jar", bytes("ok")),
              SingleChunkArtifact.newBuilder().setName("jars/bad.jar").setData(bad).build()));
      upload.accept(begin("files/chunked.bin", 6, 2, chunk(bytes("abc"))));
      upload.accept(
          chunkRequest(bad.toBuilder().setData(ByteString.copyFrom(bytes("def"))).build()));

      List<ArtifactUpload.Staged> staged = upload.complete();

      assertThat(staged)
          .extracting(ArtifactUpload.Staged::crcOk)
          .containsExactly(true, false, false);
      assertThat(ArtifactUpload.summary(staged.get(1)).getIsCrcSuccessful()).isFalse();
    }
  }

  @Test
  void missingChunksAreAnError() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp, NO_LIMIT)) {
      upload.accept(begin("jars/big.jar", 9, 3, chunk(bytes("abc"))));
      upload.accept(chunkRequest(chunk(bytes("def"))));

      assertThatThrownBy(upload::complete)
          .satisfies(ArtifactUploadTest::invalidArgument)
          .hasMessageContaining("Missing data chunks")
          .hasMessageContaining("jars/big.jar");
    }
  }

  @Test
  void anotherArtifactBeforeTheChunksAreInIsAnError() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp, NO_LIMIT)) {
      upload.accept(begin("jars/big.jar", 9, 3, chunk(bytes("abc"))));

      assertThatThrownBy(() -> upload.accept(batch(single("jars/b.jar", bytes("b")))))
          .satisfies(ArtifactUploadTest::invalidArgument);
      assertThatThrownBy(() -> upload.accept(begin("jars/c.jar", 1, 1, chunk(bytes("c")))))
          .satisfies(ArtifactUploadTest::invalidArgument);
    }
  }

  @Test
  void excessChunksAreAnError() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp, NO_LIMIT)) {
      upload.accept(begin("jars/two.jar", 6, 2, chunk(bytes("abc"))));
      upload.accept(chunkRequest(chunk(bytes("def"))));

      assertThatThrownBy(() -> upload.accept(chunkRequest(chunk(bytes("ghi")))))
          .satisfies(ArtifactUploadTest::invalidArgument);
    }
  }

  @Test
  void chunkWithoutBeginIsAnError() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp, NO_LIMIT)) {
      assertThatThrownBy(() -> upload.accept(chunkRequest(chunk(bytes("abc")))))
          .satisfies(ArtifactUploadTest::invalidArgument);
    }
  }

  @Test
  void declaredSizeMustMatchWhatArrived() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp, NO_LIMIT)) {
      upload.accept(begin("jars/a.jar", 10, 2, chunk(bytes("abc"))));

      assertThatThrownBy(() -> upload.accept(chunkRequest(chunk(bytes("def")))))
          .satisfies(ArtifactUploadTest::invalidArgument)
          .hasMessageContaining("declared 10 bytes");
    }
  }

  @Test
  void uploadIsBoundedInBytes() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp.resolve("batch"), 100)) {
      upload.accept(batch(single("jars/a.jar", new byte[60])));

      assertThatThrownBy(() -> upload.accept(batch(single("jars/b.jar", new byte[60]))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at most 100 bytes");
    }
    try (ArtifactUpload upload = new ArtifactUpload(temp.resolve("chunked"), 100)) {
      upload.accept(begin("jars/c.jar", 120, 2, chunk(new byte[60])));

      assertThatThrownBy(() -> upload.accept(chunkRequest(chunk(new byte[60]))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at most 100 bytes");
    }
  }

  @Test
  void invalidOrDuplicateNamesAreRejected() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp.resolve("a/staging"), NO_LIMIT)) {
      Throwable escape =
          SparkErrors.unwrap(
              catchThrowable(() -> upload.accept(batch(single("jars/../../x.jar", bytes("x"))))));
      assertThat(((SparkThrowable) escape).getCondition()).isEqualTo("INVALID_ARTIFACT_PATH");
      assertThat(temp.resolve("a/x.jar")).doesNotExist();

      upload.accept(batch(single("jars/a.jar", bytes("a"))));
      assertThatThrownBy(() -> upload.accept(batch(single("jars/a.jar", bytes("again")))))
          .satisfies(ArtifactUploadTest::invalidArgument);
    }
  }

  @Test
  void emptyRequestIsAnInvalidArgument() throws IOException {
    try (ArtifactUpload upload = new ArtifactUpload(temp, NO_LIMIT)) {
      assertThatThrownBy(() -> upload.accept(AddArtifactsRequest.getDefaultInstance()))
          .satisfies(ArtifactUploadTest::invalidArgument)
          .hasMessageContaining("PAYLOAD_NOT_SET");
    }
  }

  @Test
  void closeDeletesTheStagingDirectory() throws IOException {
    Path staging = temp.resolve("session-1/op-1");
    ArtifactUpload upload = new ArtifactUpload(staging, NO_LIMIT);
    upload.accept(batch(single("classes/com/example/A.class", bytes("cafebabe"))));
    upload.accept(begin("jars/open.jar", 9, 3, chunk(bytes("abc"))));
    assertThat(staging.resolve("classes/com/example/A.class")).exists();

    upload.close();

    assertThat(staging).doesNotExist();
    assertThat(temp.resolve("session-1")).exists();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static long crc(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return crc.getValue();
  }

  private static ArtifactChunk chunk(byte[] data) {
    return ArtifactChunk.newBuilder().setData(ByteString.copyFrom(data)).setCrc(crc(data)).build();
  }

  private static SingleChunkArtifact single(String name, byte[] data) {
    return SingleChunkArtifact.newBuilder().setName(name).setData(chunk(data)).build();
  }

  private static AddArtifactsRequest batch(SingleChunkArtifact... artifacts) {
    return AddArtifactsRequest.newBuilder()
        .setBatch(Batch.newBuilder().addAllArtifacts(List.of(artifacts)))
        .build();
  }

  private static AddArtifactsRequest begin(
      String name, long totalBytes, long chunks, ArtifactChunk first) {
    return AddArtifactsRequest.newBuilder()
        .setBeginChunk(
            BeginChunkedArtifact.newBuilder()
                .setName(name)
                .setTotalBytes(totalBytes)
                .setNumChunks(chunks)
                .setInitialChunk(first))
        .build();
  }

  private static AddArtifactsRequest chunkRequest(ArtifactChunk chunk) {
    return AddArtifactsRequest.newBuilder().setChunk(chunk).build();
  }

  /** What the client did wrong, answered INVALID_ARGUMENT (not a JVM exception's INTERNAL). */
  private static void invalidArgument(Throwable thrown) {
    assertThat(thrown).isInstanceOf(RpcFailure.class);
    assertThat(((RpcFailure) thrown).status().code()).isEqualTo(ErrorStatus.INVALID_ARGUMENT);
  }
}
