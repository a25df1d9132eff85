package dev.vxconnect.e2e.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the oracle recorded for one check: a result (schema + canonical rows), a value, or an
 * error (condition, SQL state, exception class hierarchy). Stored as JSON under
 * oracle/target/records/, written by the oracle run and read by the server runs of the same build.
 */
public record Expected(
    String kind,
    String schema,
    boolean ordered,
    List<String> rows,
    String value,
    String errorCondition,
    String errorSqlState,
    List<String> errorClasses) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Expected result(String schema, boolean ordered, List<String> rows) {
    return new Expected("result", schema, ordered, rows, null, null, null, null);
  }

  static Expected value(String value) {
    return new Expected("value", null, false, null, value, null, null, null);
  }

  static Expected error(String condition, String sqlState, List<String> classes) {
    return new Expected("error", null, false, null, null, condition, sqlState, classes);
  }

  /**
   * Where the oracle run (the oracle module) records what every check expects, read by the e2e
   * module's runs: in the oracle module's build directory, which only its own clean deletes.
   */
  public static Path recordDirectory() {
    return ServerProcess.home().resolve("oracle/target/records");
  }

  static Path file(String checkId) {
    return recordDirectory().resolve(checkId + ".json");
  }

  void write(String checkId) {
    try {
      Path file = file(checkId);
      Files.createDirectories(file.getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Expected read(String checkId) {
    Path file = file(checkId);
    if (!Files.exists(file)) {
      throw new AssertionError(
          "The oracle run recorded nothing for "
              + checkId
              + " ("
              + file
              + "): run the e2e module's oracle execution first (mvn verify does)");
    }
    try {
      return JSON.readValue(file.toFile(), Expected.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
