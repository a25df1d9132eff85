package dev.vxconnect.server.routing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every instance of a cluster shares (vxconnect.cluster.secret). It is never used
 * directly: each use gets a key of its own derived from it (HMAC-SHA256 of the use's name), so the
 * Hazelcast cluster name, which Hazelcast sends in the clear and writes in its logs, tells nothing
 * about the key that signs forwarded calls. Never shown by {@link #toString}.
 */
public final class ClusterSecret {

  private static final String HMAC = "HmacSHA256";

  private final byte[] secret;

  public ClusterSecret(String secret) {
    if (secret.strip().length() < 16) {
      throw new IllegalArgumentException("a cluster secret has at least 16 characters");
    }
    this.secret = secret.strip().getBytes(StandardCharsets.UTF_8);
  }

  /** The key for one use of the secret, e.g. "forwarded-calls". */
  byte[] derive(String use) {
    return hmac(secret, use.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The Hazelcast cluster name of the cluster {@code name} with this secret: members (and
   * Hazelcast clients) that do not know the secret name another cluster and are not let in.
   */
  public String hazelcastClusterName(String name) {
    return name + "-" + HexFormat.of().formatHex(derive("hazelcast-cluster-name"), 0, 16);
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterSecret{***}";
  }
}
