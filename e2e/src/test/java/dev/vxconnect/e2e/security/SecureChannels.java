package dev.vxconnect.e2e.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.sparkproject.io.grpc.ChannelCredentials;
import org.sparkproject.io.grpc.Grpc;
import org.sparkproject.io.grpc.InsecureChannelCredentials;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.ManagedChannelBuilder;
import org.sparkproject.io.grpc.Metadata;
import org.sparkproject.io.grpc.TlsChannelCredentials;
import org.sparkproject.io.grpc.stub.MetadataUtils;

/** Raw gRPC channels (the client jar's relocated grpc-java) over TLS or not, with a token header. */
final class SecureChannels {

  private SecureChannels() {}

  /** TLS to localhost, trusting only {@code certPem}. */
  static ManagedChannel tls(int port, Path certPem) {
    try {
      ChannelCredentials credentials =
          TlsChannelCredentials.newBuilder().trustManager(certPem.toFile()).build();
      return Grpc.newChannelBuilderForAddress("localhost", port, credentials)
          .maxInboundMessageSize(128 * 1024 * 1024)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * TLS to localhost, trusting only {@code certPem}, presenting {@code client}'s certificate, and
   * sending {@code Authentication: Bearer token} on every call as the JVM client does over TLS
   * (nothing when token is null).
   */
  static ManagedChannel mutualTls(
      int port, Path certPem, TestCertificateAuthority.ClientCertificate client, String token) {
    try {
      ChannelCredentials credentials =
          TlsChannelCredentials.newBuilder()
              .keyManager(client.certFile().toFile(), client.keyFile().toFile())
              .trustManager(certPem.toFile())
              .build();
      ManagedChannelBuilder<?> builder =
          Grpc.newChannelBuilderForAddress("localhost", port, credentials)
              .maxInboundMessageSize(128 * 1024 * 1024);
      if (token != null) {
        Metadata headers = new Metadata();
        headers.put(
            Metadata.Key.of("authentication", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ManagedChannel plain(String host, int port) {
    return Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
        .maxInboundMessageSize(128 * 1024 * 1024)
        .build();
  }

  /** A blocking stub sending {@code header: Bearer token} (no header when token is null). */
  static SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub(
      ManagedChannel channel, String header, String token) {
    SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub =
        SparkConnectServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    if (token == null) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /**
   * Makes the official client (which trusts the JVM's default trust store) trust this PKCS12
   * store; what the trust-store properties were before, for {@link #restoreTrust}.
   */
  static Map<String, String> trustForOfficialClient(Path trustStore) {
    Map<String, String> saved = new LinkedHashMap<>();
    for (String key :
        List.of(
            "javax.net.ssl.trustStore",
            "javax.net.ssl.trustStorePassword",
            "javax.net.ssl.trustStoreType")) {
      saved.put(key, System.getProperty(key));
    }
    System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
    System.setProperty("javax.net.ssl.trustStorePassword", TestCertificate.STORE_PASSWORD);
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    return saved;
  }

  /** Puts the trust-store properties back as {@link #trustForOfficialClient} found them. */
  static void restoreTrust(Map<String, String> saved) {
    saved.forEach(
        (key, value) -> {
          if (value == null) {
            System.clearProperty(key);
          } else {
            System.setProperty(key, value);
          }
        });
  }

  static void close(ManagedChannel channel) throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
