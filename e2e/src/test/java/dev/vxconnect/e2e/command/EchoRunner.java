package dev.vxconnect.e2e.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.apache.spark.sql.connector.ExternalCommandRunner;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * An external command runner of the test program (SparkSession.executeCommand): answers the
 * command's words in upper case, then its options in key order. Uploaded to the server as a jar.
 */
public final class EchoRunner implements ExternalCommandRunner {

  @Override
  public String[] executeCommand(String command, CaseInsensitiveStringMap options) {
    List<String> out = new ArrayList<>();
    for (String word : command.trim().split("\\s+")) {
      out.add(word.toUpperCase(Locale.ROOT));
    }
    new TreeMap<>(options.asCaseSensitiveMap()).forEach((k, v) -> out.add(k + "=" + v));
    return out.toArray(new String[0]);
  }
}
