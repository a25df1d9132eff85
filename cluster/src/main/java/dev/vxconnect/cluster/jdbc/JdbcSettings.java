package dev.vxconnect.cluster.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Where the state database is and who we are to it; the password is never printed. */
public record JdbcSettings(String url, String user, String password) {

  public JdbcSettings {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "vxconnect.state.jdbc.url must be a PostgreSQL JDBC URL"
              + " (jdbc:postgresql://host:port/database), not "
              + url);
    }
    user = user == null ? "" : user;
    password = password == null ? "" : password;
  }

  /** The URL and user, for messages and logs. */
  public String describe() {
    return url + " (user " + (user.isEmpty() ? "<none>" : user) + ")";
  }

  @Override
  public String toString() {
    return "JdbcSettings{" + describe() + "}";
  }

  /** The messages of a failure and its causes, each once: what a user needs to see why. */
  public static String reasons(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure;
        t != null && messages.size() < 5;
        t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (messages.stream().noneMatch(m -> m.contains(message))) {
        messages.add(message);
      }
    }
    return String.join(": ", messages);
  }
}
