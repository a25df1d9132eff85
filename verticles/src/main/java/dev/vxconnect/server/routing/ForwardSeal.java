package dev.vxconnect.server.routing;

import dev.vxconnect.server.auth.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * What makes a forwarded call trusted: the forwarding instance seals it with an HMAC-SHA256, keyed
 * by the cluster secret, over the method, the instance it is sent to, the user and session it is
 * for, the time and a random nonce; the receiving instance serves a call as forwarded only when the
 * seal checks out for its method and for itself and is at most {@link #WINDOW} old (or early). Any
 * other value of the header, such as one a client sends, is not trusted: the call is an ordinary
 * client call. A cluster without a secret seals nothing and trusts nothing.
 */
public final class ForwardSeal {

  /** The header that carries the seal. */
  public static final String HEADER = "vxconnect-forwarded";

  /**
   * How far a seal's time may be from the receiver's clock: bounds how long a seal read off the
   * wire can be replayed (to the same instance, method and session only); the instances' clocks
   * must agree within it (NTP).
   */
  public static final Duration WINDOW = Duration.ofSeconds(30);

  private static final String VERSION = "v1";
  private static final int MAX_LENGTH = 4096;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

  /** Seals nothing and trusts nothing: a single instance, which never forwards. */
  public static final ForwardSeal NONE = new ForwardSeal(null, "", Clock.systemUTC());

  private final byte[] key;
  private final String self;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private ForwardSeal(byte[] key, String self, Clock clock) {
    this.key = key;
    this.self = self;
    this.clock = clock;
  }

  /** Seals of instance {@code self} with the cluster's {@code secret}. */
  public static ForwardSeal of(ClusterSecret secret, String self) {
    return of(secret, self, Clock.systemUTC());
  }

  static ForwardSeal of(ClusterSecret secret, String self, Clock clock) {
    return new ForwardSeal(secret.derive("forwarded-calls"), self, clock);
  }

  /** Whether this instance can seal the calls it forwards (it has the cluster secret). */
  public boolean enabled() {
    return key != null;
  }

  /**
   * The header value for a call of {@code method} (its name, e.g. ExecutePlan) forwarded to
   * instance {@code target} for {@code userId}'s session {@code sessionId}.
   */
  public String seal(String method, String target, String userId, String sessionId) {
    if (key == null) {
      throw new IllegalStateException("no cluster secret: forwarded calls cannot be sealed");
    }
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String nonce = B64.encodeToString(bytes);
    String time = Long.toString(clock.millis());
    String user = encode(userId);
    String session = encode(sessionId);
    String mac = B64.encodeToString(mac(method, target, time, nonce, user, session));
    return String.join(".", VERSION, time, nonce, user, session, mac);
  }

  /** Whether {@code value}, the header of a call of {@code method} received here, is a valid seal. */
  public Verdict check(String value, String method) {
    if (key == null) {
      return Verdict.refused("this instance has no cluster secret");
    }
    if (value.length() > MAX_LENGTH) {
      return Verdict.refused("the seal is too long");
    }
    String[] parts = value.split("\\.", -1);
    if (parts.length != 6 || !VERSION.equals(parts[0])) {
      return Verdict.refused("not a seal of this version");
    }
    long time;
    byte[] given;
    String userId;
    String sessionId;
    try {
      time = Long.parseLong(parts[1]);
      given = UNB64.decode(parts[5]);
      userId = decode(parts[3]);
      sessionId = decode(parts[4]);
    } catch (IllegalArgumentException e) {
      return Verdict.refused("not a well-formed seal");
    }
    // Constant time: a forger learns nothing from how long the comparison took.
    if (!MessageDigest.isEqual(given, mac(method, self, parts[1], parts[2], parts[3], parts[4]))) {
      return Verdict.refused("the signature does not match (another secret, method or instance?)");
    }
    long skew = Math.abs(clock.millis() - time);
    if (skew > WINDOW.toMillis()) {
      return Verdict.refused(
          "the seal is "
              + skew
              + " ms from this instance's clock, more than "
              + WINDOW.toSeconds()
              + " s (a replay, or the instances' clocks differ)");
    }
    return new Verdict(Optional.of(new Caller.ForwardedFor(userId, sessionId)), "");
  }

  private byte[] mac(String... fields) {
    // Every field but the method (a name of the service) and the time (digits) is Base64, which has
    // no
    // newline: the joined text has one reading only. The target is encoded here.
    String target = encode(fields[1]);
    String data =
        String.join("\n", VERSION, fields[0], target, fields[2], fields[3], fields[4], fields[5]);
    return ClusterSecret.hmac(key, data.getBytes(StandardCharsets.UTF_8));
  }

  private static String encode(String text) {
    return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String base64) {
    return new String(UNB64.decode(base64), StandardCharsets.UTF_8);
  }

  /**
   * A seal's check: the user and session it was sealed for when it is valid; otherwise why not (to
   * log; the call is then an ordinary client call).
   */
  public record Verdict(Optional<Caller.ForwardedFor> trusted, String reason) {
    static Verdict refused(String reason) {
      return new Verdict(Optional.empty(), reason);
    }
  }
}
