package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vxconnect.e2e.support.ServerTestBase;
import dev.vxconnect.e2e.support.Sessions;
import java.util.UUID;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Sessions as users see them: isolated from each other, closed for good, cloned on request. */
class SessionsE2ETest extends ServerTestBase {

  private static String condition(Throwable failure) {
    assertThat(failure).isInstanceOf(SparkThrowable.class);
    return ((SparkThrowable) failure).getCondition();
  }

  @Test
  void twoSessionsAreIsolated() throws Exception {
    try (SparkSession other = Sessions.connect(server().url())) {
      spark.range(3).createOrReplaceTempView("mine");
      spark.conf().set("spark.sql.shuffle.partitions", "7");
      assertThat(spark.table("mine").count()).isEqualTo(3);
      assertThat(condition(catchThrowable(() -> other.table("mine").collect())))
          .isEqualTo("TABLE_OR_VIEW_NOT_FOUND");
      assertThat(other.conf().get("spark.sql.shuffle.partitions")).isEqualTo("200");
      assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo("7");
    }
  }

  @Test
  void aClosedSessionCannotBeUsedAgain() throws Exception {
    String id = UUID.randomUUID().toString();
    SparkSession first = Sessions.connect(server().url() + "/;session_id=" + id);
    assertThat(first.range(5).count()).isEqualTo(5);
    first.close();
    try (SparkSession again = Sessions.connect(server().url() + "/;session_id=" + id)) {
      assertThat(condition(catchThrowable(() -> again.range(1).count())))
          .isEqualTo("INVALID_HANDLE.SESSION_CLOSED");
    }
  }

  @Test
  void aChangedServerSideSessionIsDetected() {
    var client = (org.apache.spark.sql.connect.SparkSession) spark;
    assertThat(client.range(2).count()).isEqualTo(2);
    client.hijackServerSideSessionIdForTesting("-wrong");
    assertThat(condition(catchThrowable(() -> client.range(2).count())))
        .isEqualTo("INVALID_HANDLE.SESSION_CHANGED");
  }

  @Test
  void cloneCopiesConfAndTempViews() throws Exception {
    spark.conf().set("spark.sql.shuffle.partitions", "11");
    spark.range(4).createOrReplaceTempView("source_view");
    var client = (org.apache.spark.sql.connect.SparkSession) spark;
    try (SparkSession copy = client.cloneSession()) {
      assertThat(copy.conf().get("spark.sql.shuffle.partitions")).isEqualTo("11");
      assertThat(copy.table("source_view").count()).isEqualTo(4);
      copy.range(2).createOrReplaceTempView("only_in_copy");
      assertThat(condition(catchThrowable(() -> spark.table("only_in_copy").collect())))
          .isEqualTo("TABLE_OR_VIEW_NOT_FOUND");
    }
  }

  /**
   * A clone's target id is checked as Spark's session manager checks it: a UUID, of no closed
   * session, of no live one; each refusal names the target (Spark's own SparkSessionCloneSuite
   * asserts the first).
   */
  @Test
  void aCloneTargetIdIsRefusedAsSparkRefusesIt() throws Exception {
    var client = (org.apache.spark.sql.connect.SparkSession) spark;
    assertThat(client.version()).isNotEmpty(); // the source session exists once it has called
    Throwable badFormat = catchThrowable(() -> client.cloneSession("not-a-valid-uuid"));
    assertThat(condition(badFormat))
        .isEqualTo("INVALID_CLONE_SESSION_REQUEST.TARGET_SESSION_ID_FORMAT");
    assertThat(badFormat.getMessage()).contains("not-a-valid-uuid");

    String taken = UUID.randomUUID().toString();
    try (SparkSession copy = client.cloneSession(taken)) {
      assertThat(copy.range(2).count()).isEqualTo(2);
      assertThat(condition(catchThrowable(() -> client.cloneSession(taken))))
          .isEqualTo("INVALID_CLONE_SESSION_REQUEST.TARGET_SESSION_ID_ALREADY_EXISTS");
    }
    // Closing the copy released its session: its id stays closed.
    assertThat(condition(catchThrowable(() -> client.cloneSession(taken))))
        .isEqualTo("INVALID_CLONE_SESSION_REQUEST.TARGET_SESSION_ID_ALREADY_CLOSED");
  }
}
