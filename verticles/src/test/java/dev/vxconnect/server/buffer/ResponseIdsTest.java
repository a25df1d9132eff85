package dev.vxconnect.server.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResponseIdsTest {

  private static final String OPERATION = "9b0c8f4e-2a51-4f0e-8d43-6f3b1e2a7c55";

  @Test
  void indexRoundTrips() {
    for (long index : new long[] {0, 1, 2, 255, 1L << 32, (1L << 62) - 1}) {
      String id = ResponseIds.of(OPERATION, index);
      assertThat(ResponseIds.indexOf(OPERATION, id)).as("index %d", index).hasValue(index);
    }
  }

  @Test
  void idsAreDeterministicAndUniquePerOperation() {
    assertThat(ResponseIds.of(OPERATION, 7)).isEqualTo(ResponseIds.of(OPERATION, 7));
    Set<String> ids = new HashSet<>();
    for (long index = 1; index <= 1000; index++) {
      ids.add(ResponseIds.of(OPERATION, index));
    }
    assertThat(ids).hasSize(1000);
    assertThat(ResponseIds.of("another-operation", 1)).isNotEqualTo(ResponseIds.of(OPERATION, 1));
  }

  @Test
  void idsAreWellFormedUuids() {
    String id = ResponseIds.of(OPERATION, 42);
    UUID uuid = UUID.fromString(id);

    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(uuid.toString()).isEqualTo(id);
    assertThat(uuid.version()).as("version 8: custom layout").isEqualTo(8);
    assertThat(uuid.variant()).as("RFC 4122 variant").isEqualTo(2);
  }

  @Test
  void idsOfOtherOperationsOrOtherSourcesAreRejected() {
    String other = ResponseIds.of("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", 3);
    UUID mine = UUID.fromString(ResponseIds.of(OPERATION, 3));
    // Same operation half, but not the RFC variant bits the index half carries.
    String wrongVariant = new UUID(mine.getMostSignificantBits(), 3L).toString();

    assertThat(ResponseIds.indexOf(OPERATION, other)).isEmpty();
    assertThat(ResponseIds.indexOf(OPERATION, UUID.randomUUID().toString())).isEmpty();
    assertThat(ResponseIds.indexOf(OPERATION, wrongVariant)).isEmpty();
    assertThat(ResponseIds.indexOf(OPERATION, "not-a-uuid")).isEmpty();
    assertThat(ResponseIds.indexOf(OPERATION, "")).isEmpty();
  }

  @Test
  void indexesOutOfRangeAreRefused() {
    assertThatThrownBy(() -> ResponseIds.of(OPERATION, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ResponseIds.of(OPERATION, 1L << 62))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
