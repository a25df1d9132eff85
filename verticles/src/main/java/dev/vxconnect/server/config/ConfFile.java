package dev.vxconnect.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * conf/vxconnect.conf, generated from {@link ConfigKeys}: every key with its documentation and its
 * default, commented out. ConfFileTest fails when the checked-in file differs and says how to
 * regenerate it.
 */
public final class ConfFile {

  private static final int WIDTH = 100;

  private static final String PREAMBLE =
      String.join(
          "\n",
          "# vxconnect configuration, in Spark-properties format (\"key value\" or \"key=value\").",
          "# Generated from dev.vxconnect.server.config.ConfigKeys: edit the keys there, then regenerate with",
          "#   mvn -pl verticles -am test -Dtest=ConfFileTest -Dsurefire.failIfNoSpecifiedTests=false \\",
          "#     -Dvxconnect.conf.write=true",
          "#",
          "# Read by bin/vxconnect from $VXCONNECT_HOME/conf/vxconnect.conf (or --conf-file PATH), then",
          "# overridden by --conf key=value arguments, then by environment variables named after the keys",
          "# (spark.connect.grpc.binding.port -> SPARK_CONNECT_GRPC_BINDING_PORT).",
          "#",
          "# Keys of Apache Spark's own Connect server keep their name, meaning and default. Our own keys live",
          "# under vxconnect.*; an unknown vxconnect.* key is an error. Every other spark.* key is given to",
          "# the embedded Spark driver (e.g. spark.master, spark.driver.memory, spark.sql.shuffle.partitions).",
          "# Every line below shows the default; uncomment to change it.");

  private ConfFile() {}

  /** The file's whole text. */
  public static String render() {
    List<String> lines = new ArrayList<>(List.of(PREAMBLE.split("\n")));
    for (ConfigKeys.Section section : ConfigKeys.SECTIONS) {
      lines.add("");
      lines.add(header(section.title()));
      if (!section.note().isEmpty()) {
        for (String paragraph : section.note().split("\n")) {
          lines.addAll(comment(paragraph));
        }
      }
      for (ConfigEntry<?> entry : section.entries()) {
        lines.addAll(comment(entry.doc()));
        lines.add(
            "# "
                + entry.key()
                + entry.defaultText().filter(d -> !d.isEmpty()).map(d -> " " + d).orElse(""));
      }
    }
    return String.join("\n", lines) + "\n";
  }

  private static String header(String title) {
    StringBuilder line = new StringBuilder("# ---- ").append(title).append(' ');
    while (line.length() < WIDTH - 4) {
      line.append('-');
    }
    return line.toString();
  }

  /** {@code text} as comment lines of at most {@link #WIDTH} characters, cut between words. */
  private static List<String> comment(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder("#");
    for (String word : text.split(" ")) {
      if (line.length() > 1 && line.length() + 1 + word.length() > WIDTH) {
        lines.add(line.toString());
        line = new StringBuilder("#");
      }
      line.append(' ').append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
