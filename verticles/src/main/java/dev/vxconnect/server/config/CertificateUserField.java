package dev.vxconnect.server.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The field of a client certificate that names its user ({@code vxconnect.auth.mtls.userFrom}): the
 * subject's common name, or a subject alternative name of one type.
 */
public enum CertificateUserField {
  CN("cn", "subject CN"),
  SAN_EMAIL("san-email", "email SAN"),
  SAN_DNS("san-dns", "DNS SAN"),
  SAN_URI("san-uri", "URI SAN");

  private final String key;
  private final String label;

  CertificateUserField(String key, String label) {
    this.key = key;
    this.label = label;
  }

  /** As written in the configuration. */
  public String key() {
    return key;
  }

  /** As named in messages: "subject CN", "email SAN"... */
  public String label() {
    return label;
  }

  /** Every field by its configuration name, in declaration order. */
  static Map<String, CertificateUserField> byKey() {
    Map<String, CertificateUserField> fields = new LinkedHashMap<>();
    Arrays.stream(values()).forEach(field -> fields.put(field.key, field));
    return fields;
  }

  @Override
  public String toString() {
    return key;
  }
}
