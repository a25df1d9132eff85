package dev.vxconnect.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A client of a server's admin HTTP service (vxconnect.admin.port): pages and Prometheus samples. */
public final class AdminHttp {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  public AdminHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** The body of {@code path} (e.g. "/metrics"), which must answer 200. */
  public String get(String path) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(base + path).isEqualTo(200);
    return response.body();
  }

  /** The value of one sample (name with its labels) in a Prometheus text exposition, if present. */
  public static OptionalDouble sample(String metrics, String sample) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + "\\s+(\\S+)$").matcher(metrics);
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }
}
