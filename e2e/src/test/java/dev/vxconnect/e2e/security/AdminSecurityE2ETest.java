package dev.vxconnect.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxconnect.e2e.support.HeadlessChromium;
import dev.vxconnect.testkit.FreePort;
import dev.vxconnect.testkit.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The admin port as it ships for exposure, one server: HTTPS with a certificate made at test time,
 * a token from the environment (VXCONNECT_ADMIN_TOKEN), the default bind address. Requests without
 * the token or with a wrong one are 401 with a Bearer challenge, the right one is served (the page,
 * the JSON listing, /metrics), /health stays open, plain HTTP is not served, the port listens on
 * loopback only; Prometheus itself (Debian's prometheus, a test prerequisite) scrapes /metrics with
 * the token over TLS trusting the test certificate, as docs/deployment.md configures it, and gets
 * 401 without it; headless Chromium renders the page with the token as Basic credentials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(240)
class AdminSecurityE2ETest {

  private static final String TOKEN = "admin-" + UUID.randomUUID();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int adminPort = FreePort.find();
  private final Path dir = ServerProcess.targetDirectory().resolve("admin-security");
  private TestCertificate certificate;
  private ServerProcess server;
  private HttpClient https;

  @BeforeAll
  void startServer() throws Exception {
    certificate = TestCertificate.create(dir);
    server =
        ServerProcess.start(
            "admin-security",
            List.of(
                "vxconnect.admin.port=" + adminPort,
                "vxconnect.admin.tls.certFile=" + certificate.certFile,
                "vxconnect.admin.tls.keyFile=" + certificate.keyFile),
            Map.of("VXCONNECT_ADMIN_TOKEN", TOKEN));
    https =
        HttpClient.newBuilder()
            .sslContext(trusting(certificate.trustStore))
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void requestsWithoutTheRightTokenAreRefusedWithABearerChallenge() throws Exception {
    for (String path : List.of("/admin", "/admin/sessions", "/metrics", "/nowhere")) {
      for (Optional<String> authorization :
          List.of(
              Optional.<String>empty(),
              Optional.of("Bearer wrong-" + TOKEN),
              Optional.of("Bearer " + TOKEN.substring(1)),
              Optional.of(TOKEN))) {
        HttpResponse<String> refused = get(path, authorization);
        assertThat(refused.statusCode()).as("%s with %s", path, authorization).isEqualTo(401);
        assertThat(refused.headers().allValues("www-authenticate"))
            .as("%s with %s", path, authorization)
            .anySatisfy(challenge -> assertThat(challenge).startsWith("Bearer "));
        assertThat(refused.body()).doesNotContain(TOKEN);
      }
    }
  }

  @Test
  void theRightTokenIsServedAndHealthNeedsNone() throws Exception {
    Optional<String> bearer = Optional.of("Bearer " + TOKEN);
    HttpResponse<String> page = get("/admin", bearer);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>vxconnect ");
    HttpResponse<String> sessions = get("/admin/sessions", bearer);
    assertThat(sessions.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(sessions.body()).has("sessions")).isTrue();
    HttpResponse<String> metrics = get("/metrics", bearer);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("vxconnect_sessions").contains("jvm_memory_used_bytes");

    HttpResponse<String> health = get("/health", Optional.empty());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
  }

  @Test
  void plainHttpIsNotServedOnTheTlsPort() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                        .header("authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void theAdminPortListensOnLoopbackByDefault() throws Exception {
    assertThat(server.logText())
        .contains("Admin service on https://127.0.0.1:" + adminPort + "/admin")
        .doesNotContain(TOKEN);
    Optional<InetAddress> other = HostAddresses.nonLoopbackIpv4();
    Assumptions.assumeTrue(other.isPresent(), "this host has no non-loopback IPv4 address");
    try (Socket socket = new Socket()) {
      assertThatThrownBy(() -> socket.connect(new InetSocketAddress(other.get(), adminPort), 5_000))
          .as("the admin port from this host's address %s", other.get())
          .isInstanceOf(ConnectException.class);
    }
  }

  /**
   * Prometheus scrapes as docs/deployment.md configures it (bearer token from a file, HTTPS, the
   * CA as tls_config.ca_file): the target is up and its samples are stored, which they are only
   * once Prometheus has parsed the exposition; the same target without the token is down with 401.
   */
  @Test
  void prometheusScrapesTheMetricsWithTheTokenOverTls() throws Exception {
    Path prometheus = Path.of("/usr/bin/prometheus");
    assertThat(Files.isExecutable(prometheus))
        .as(
            "Debian's prometheus, a test prerequisite (apt-get install prometheus; .ci/run"
                + " installs it): the scrape cannot be checked without it")
        .isTrue();
    Path home = Files.createDirectories(dir.resolve("prometheus"));
    Path tokenFile = Files.writeString(home.resolve("admin-token"), TOKEN);
    String target = "[\"127.0.0.1:" + adminPort + "\"]";
    Path config =
        Files.writeString(
            home.resolve("prometheus.yml"),
            String.join(
                "\n",
                "global:",
                "  scrape_interval: 2s",
                "  scrape_timeout: 2s",
                "scrape_configs:",
                "  - job_name: vxconnect",
                "    scheme: https",
                "    authorization:",
                "      credentials_file: " + tokenFile,
                "    tls_config:",
                "      ca_file: " + certificate.certFile,
                "    static_configs:",
                "      - targets: " + target,
                "  - job_name: vxconnect-without-token",
                "    scheme: https",
                "    tls_config:",
                "      ca_file: " + certificate.certFile,
                "    static_configs:",
                "      - targets: " + target,
                ""));
    int port = FreePort.find();
    Path log = home.resolve("prometheus.log");
    Process process =
        new ProcessBuilder(
                prometheus.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + home.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String api = "http://127.0.0.1:" + port + "/api/v1/";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      Map<String, JsonNode> targets = Map.of();
      while (System.nanoTime() < deadline) {
        targets = targets(http, api);
        if (health(targets, "vxconnect").equals("up")
            && lastError(targets, "vxconnect-without-token").contains("401")) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(health(targets, "vxconnect"))
          .as("the scrape with the token: %s; prometheus log: %s", targets, tail(log))
          .isEqualTo("up");
      assertThat(health(targets, "vxconnect-without-token")).isEqualTo("down");
      assertThat(lastError(targets, "vxconnect-without-token")).contains("401");

      JsonNode stored = query(http, api, "vxconnect_sessions{job=\"vxconnect\"}");
      assertThat(stored.get("data").get("result"))
          .as("vxconnect_sessions as Prometheus stored it: %s", stored)
          .hasSize(1);
      JsonNode scraped = query(http, api, "scrape_samples_scraped{job=\"vxconnect\"}");
      assertThat(scraped.get("data").get("result").get(0).get("value").get(1).asDouble())
          .as("samples in one scrape")
          .isGreaterThan(100);
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /**
   * A browser reads the page with the token as the password of Basic credentials, which it sends
   * once challenged (here from the URL; a person types them into the browser's prompt). Chromium
   * trusts the test certificate's key only.
   */
  @Test
  void theAdminPageRendersInHeadlessChromiumWithTheTokenAsBasicCredentials() throws Exception {
    assertThat(HeadlessChromium.binary())
        .as(
            "Debian's chromium, a test prerequisite (apt-get install chromium;"
                + " .ci/run installs it): the page cannot be rendered without it")
        .isPresent();
    String url =
        "https://admin:"
            + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8)
            + "@127.0.0.1:"
            + adminPort
            + "/admin";
    String dom =
        HeadlessChromium.dumpDom(
            url, List.of("--ignore-certificate-errors-spki-list=" + spkiHash()));
    assertThat(dom).contains("<title>vxconnect ").contains("class=\"instance\"");
  }

  private HttpResponse<String> get(String path, Optional<String> authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + adminPort + path))
            .timeout(Duration.ofSeconds(30));
    authorization.ifPresent(value -> request.header("authorization", value));
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Prometheus's active targets by job. */
  private static Map<String, JsonNode> targets(HttpClient http, String api) {
    try {
      JsonNode body = JSON.readTree(fetch(http, api + "targets?state=active"));
      Map<String, JsonNode> byJob = new TreeMap<>();
      for (JsonNode target : body.get("data").get("activeTargets")) {
        byJob.put(target.get("labels").get("job").asText(), target);
      }
      return byJob;
    } catch (IOException | InterruptedException notYet) {
      return Map.of();
    }
  }

  private static String health(Map<String, JsonNode> targets, String job) {
    return targets.containsKey(job) ? targets.get(job).get("health").asText() : "absent";
  }

  private static String lastError(Map<String, JsonNode> targets, String job) {
    return targets.containsKey(job) ? targets.get(job).get("lastError").asText() : "";
  }

  private static JsonNode query(HttpClient http, String api, String promql) throws Exception {
    return JSON.readTree(
        fetch(http, api + "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
  }

  private static String fetch(HttpClient http, String url)
      throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log);
    return text.substring(Math.max(0, text.length() - 4000));
  }

  /** An HTTP client context that trusts the test certificate (and nothing else). */
  private static SSLContext trusting(Path trustStore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trustStore)) {
      store.load(in, TestCertificate.STORE_PASSWORD.toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** Base64 of the SHA-256 of the test certificate's public key, as Chromium's flag wants it. */
  private String spkiHash() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certificate.trustStore)) {
      store.load(in, TestCertificate.STORE_PASSWORD.toCharArray());
    }
    byte[] spki = store.getCertificate("vxconnect").getPublicKey().getEncoded();
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
  }
}
