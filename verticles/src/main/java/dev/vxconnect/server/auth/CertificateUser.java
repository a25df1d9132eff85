package dev.vxconnect.server.auth;

import dev.vxconnect.server.config.CertificateUserField;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The user a client certificate names ({@code vxconnect.auth.mtls.userFrom}): its subject's common
 * name, or its subject alternative name of one type, taken whole (an email SAN gives {@code
 * alice@example.com}, never just {@code alice}: another domain's alice is another user). The
 * certificate must hold exactly one such value: with none or several, which user it is would be a
 * guess, so its calls are refused. The chain was verified by the TLS handshake; this only reads it.
 */
public final class CertificateUser {

  /** GeneralName tags of RFC 5280 (what {@link X509Certificate#getSubjectAlternativeNames} gives). */
  private static final int RFC822_NAME = 1;

  private static final int DNS_NAME = 2;
  private static final int URI = 6;

  private final CertificateUserField field;

  public CertificateUser(CertificateUserField field) {
    this.field = field;
  }

  public CertificateUserField field() {
    return field;
  }

  /** The user {@code certificate} names; {@link Authenticator.Refused} when it names none or several. */
  public String userOf(X509Certificate certificate) {
    List<String> values =
        field == CertificateUserField.CN ? commonNames(certificate) : sans(certificate);
    if (values.size() != 1) {
      throw new Authenticator.Refused(
          "The client certificate has "
              + (values.isEmpty() ? "no " : values.size() + " values of its ")
              + field.label()
              + "; the server takes the user from it (vxconnect.auth.mtls.userFrom="
              + field.key()
              + ") and needs exactly one");
    }
    return values.get(0);
  }

  private static List<String> commonNames(X509Certificate certificate) {
    String subject = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    List<String> names = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(subject).getRdns()) {
        // A multi-valued RDN (CN=a+O=b) holds its CN among its attributes; names are case-blind.
        Attribute cn = rdn.toAttributes().get("CN");
        if (cn == null) {
          continue;
        }
        NamingEnumeration<?> values = cn.getAll();
        while (values.hasMore()) {
          // A value in a type without a string form comes as bytes: no user name.
          if (values.next() instanceof String name && !name.isEmpty()) {
            names.add(name);
          }
        }
      }
    } catch (NamingException e) {
      throw new Authenticator.Refused("The client certificate's subject cannot be read");
    }
    return names;
  }

  private List<String> sans(X509Certificate certificate) {
    int tag =
        switch (field) {
          case SAN_EMAIL -> RFC822_NAME;
          case SAN_DNS -> DNS_NAME;
          case SAN_URI -> URI;
          case CN -> throw new IllegalStateException("not a SAN");
        };
    Collection<List<?>> all;
    try {
      all = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new Authenticator.Refused(
          "The client certificate's subject alternative names cannot be read");
    }
    List<String> names = new ArrayList<>();
    if (all != null) {
      for (List<?> san : all) {
        if (san.size() == 2
            && san.get(0) instanceof Integer type
            && type == tag
            && san.get(1) instanceof String name
            && !name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names;
  }

  @Override
  public String toString() {
    return "user from the client certificate's " + field.label();
  }
}
