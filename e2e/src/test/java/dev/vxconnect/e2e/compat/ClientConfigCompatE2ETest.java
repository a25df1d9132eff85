package dev.vxconnect.e2e.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxconnect.e2e.support.ServerTestBase;
import org.apache.spark.SparkBuildInfo;
import org.apache.spark.sql.connect.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Config values that some client versions parse themselves. The 4.2 client reads the local
 * relation limits with a plain number parse before every createDataFrame; Spark 4.1's server
 * answers byte strings ("3221225472b") on which it fails. vxconnect answers plain byte counts.
 */
@Tag("client-matrix")
class ClientConfigCompatE2ETest extends ServerTestBase {

  /** The matrix runs swap the client jar: each must run the version it names (e2e/pom.xml). */
  @Test
  void theClientIsTheVersionUnderTest() {
    String version = System.getProperty("vxconnect.e2e.clientVersion");
    assertThat(version).as("-Dvxconnect.e2e.clientVersion (set by e2e/pom.xml)").isNotNull();
    assertThat(SparkSession.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .endsWith("/spark-connect-client-jvm_2.13-" + version + ".jar");
    assertThat(SparkBuildInfo.spark_version()).isEqualTo(version);
  }

  @Test
  void localRelationLimitsAreAnsweredAsPlainByteCounts() {
    for (String key :
        new String[] {
          "spark.sql.session.localRelationSizeLimit",
          "spark.sql.session.localRelationChunkSizeLimit"
        }) {
      String value = spark.conf().get(key);
      assertThat(value).as(key).matches("\\d+");
      assertThat(Long.parseLong(value)).as(key).isPositive();
    }
    // Set as a byte string, read back as a number.
    spark.conf().set("spark.sql.session.localRelationSizeLimit", "1g");
    assertThat(spark.conf().get("spark.sql.session.localRelationSizeLimit"))
        .isEqualTo("1073741824");
  }

  @Test
  void otherByteSizesKeepSparksText() {
    assertThat(spark.conf().get("spark.sql.files.maxPartitionBytes")).isEqualTo("134217728b");
  }
}
