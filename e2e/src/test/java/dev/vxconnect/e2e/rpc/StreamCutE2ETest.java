package dev.vxconnect.e2e.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.Sessions;
import dev.vxconnect.testkit.ServerProcess;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reattachable result streams are cut after senderMaxStreamSize bytes; the official client
 * reattaches each time and still gets every row once.
 */
@Timeout(300)
class StreamCutE2ETest {

  @Test
  void clientReattachesAfterEachCut() throws Exception {
    try (ServerProcess server =
        ServerProcess.start(
            "stream-cut", List.of("spark.connect.execute.reattachable.senderMaxStreamSize=2m"))) {
      SparkSession client = Sessions.connect(server.url());
      List<Row> rows =
          client
              .range(400_000)
              .selectExpr("id", "concat('value-', cast(id as string), '-', repeat('x', 20)) as s")
              .collectAsList();
      long sum = 0;
      for (Row row : rows) {
        assertThat(row.getString(1)).startsWith("value-" + row.getLong(0) + "-");
        sum += row.getLong(0);
      }
      assertThat(rows).hasSize(400_000);
      assertThat(sum).isEqualTo(400_000L * 399_999L / 2);
      client.close();
      String log = server.logText();
      assertThat(log).contains("stream cut after").contains("reattached, resuming at response");
    }
  }
}
