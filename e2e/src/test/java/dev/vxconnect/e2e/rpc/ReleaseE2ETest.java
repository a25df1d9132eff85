package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vxconnect.e2e.support.ServerTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.client.SparkResult;
import org.apache.spark.sql.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/**
 * Results released before their end. Closing a result the client has only begun to read sends
 * ReleaseExecute while the server is still streaming it, and the client reads that stream no
 * more (the official client does not cancel the call). The server must end such a stream at once:
 * the responses it already queued for it cannot leave (the client does not read them), and while
 * they wait they count against the connection's flow-control window, which every call of the
 * session shares, so a few released streams left open would stop all of the session's calls.
 */
class ReleaseE2ETest extends ServerTestBase {

  /** Several times what the client's flow-control window holds. */
  private static final long ROWS = 200_000;

  private static final int RESULTS = 10;
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @Test
  void resultsClosedAfterTheirFirstRowDoNotStopTheSession() {
    List<Row> firstRows = new ArrayList<>();
    assertTimeoutPreemptively(
        DEADLINE,
        () -> {
          for (int i = 0; i < RESULTS; i++) {
            SparkResult<Row> result = collectResult(rows(i));
            CloseableIterator<Row> read = result.destructiveIterator();
            try {
              firstRows.add(read.next());
            } finally {
              read.close();
              result.close(); // ReleaseExecute(all) while the server still streams
            }
          }
        },
        "the session's calls stopped after results were released early (no answer within "
            + DEADLINE
            + ")");

    // The server's own answers for the same first rows, each read to its end.
    for (int i = 0; i < RESULTS; i++) {
      assertThat(firstRows.get(i))
          .as("first row of result %d", i)
          .isEqualTo(rows(i).limit(1).collectAsList().get(0));
    }
  }

  private Dataset<Row> rows(int i) {
    return spark.range(0, ROWS, 1, 2).selectExpr("id + " + i + " as id", "repeat('x', 40) as pad");
  }

  @SuppressWarnings("unchecked")
  private static SparkResult<Row> collectResult(Dataset<Row> ds) {
    return ((org.apache.spark.sql.connect.Dataset<Row>) ds).collectResult();
  }
}
