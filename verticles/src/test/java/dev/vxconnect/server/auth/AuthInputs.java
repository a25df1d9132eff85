package dev.vxconnect.server.auth;

import dev.vxconnect.server.config.Conf;
import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What an authentication is given besides its connection, a request's headers and the server's
 * settings, written in the tests as name, value, name, value...
 */
final class AuthInputs {

  private AuthInputs() {}

  static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }

  static Conf conf(String... pairs) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      values.put(pairs[i], pairs[i + 1]);
    }
    return new Conf(values);
  }
}
