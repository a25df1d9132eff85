package dev.vxconnect.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenTableTest {

  @Test
  void tokensAreBoundToTheirUsers() {
    TokenTable table =
        TokenTable.parse(
            List.of(
                "# users and their tokens",
                "",
                "alice  s3cret-a",
                "bob sha256:" + TokenTable.digest("s3cret-b").toUpperCase()),
            "test");
    assertThat(table.size()).isEqualTo(2);
    assertThat(table.userOf("s3cret-a")).contains("alice");
    assertThat(table.userOf("s3cret-b")).contains("bob");
    assertThat(table.userOf("s3cret")).isEmpty();
    assertThat(table.userOf("")).isEmpty();
  }

  @Test
  void malformedLinesAreNamedByNumberNotContent() {
    assertThatThrownBy(() -> TokenTable.parse(List.of("alice", "bob tok"), "f"))
        .hasMessage("f line 1: expected 'user token'");
    assertThatThrownBy(() -> TokenTable.parse(List.of("alice sha256:abc"), "f"))
        .hasMessageContaining("line 1")
        .hasMessageNotContaining("abc");
    assertThatThrownBy(() -> TokenTable.parse(List.of("alice t1", "bob t1"), "f"))
        .hasMessageContaining("line 2")
        .hasMessageNotContaining("t1");
  }
}
