package org.msgcenter.center.channel.email;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.msgcenter.center.channel.ChannelContext;
import org.msgcenter.center.config.ConfigException;

/**
 * The email channel's settings ({@code channel.email.*}), read and checked once when the channel is
 * made.
 *
 * @param host the SMTP server ({@code host}, required)
 * @param port its port ({@code port}; default 25 without TLS, 587 with STARTTLS, 465 with TLS)
 * @param security {@code none}, {@code starttls} (the default: the connection must be upgraded, or
 *     the attempt fails) or {@code tls} (TLS from the first byte, "SMTPS")
 * @param username log in with this user ({@code username}); no login when empty
 * @param password the user's password ({@code password}); required with a username
 * @param from the sender, as {@code Bank <no-reply@bank.example>} ({@code from}, required); also
 *     the envelope sender
 * @param replyTo where replies go ({@code replyTo}); none when empty
 * @param timeout connect, read and write timeout of the SMTP connection ({@code timeout}, default
 *     30s)
 * @param threads connections in use at once ({@code threads}, default 8)
 * @param trustedHosts hosts whose certificates are trusted without checking ({@code trustedHosts},
 *     space-separated, or {@code *}); for servers with a self-signed certificate on a network you
 *     trust. Empty: certificates are checked against the JVM's trust store and the host name
 * @param messageIdDomain the right-hand side of {@code Message-ID} ({@code messageIdDomain};
 *     default: the domain of {@code from})
 */
record EmailSettings(
    String host,
    int port,
    Security security,
    String username,
    String password,
    InternetAddress from,
    InternetAddress replyTo,
    Duration timeout,
    int threads,
    String trustedHosts,
    String messageIdDomain) {

  /** How the connection is protected. */
  enum Security {
    NONE(25),
    STARTTLS(587),
    TLS(465);

    final int defaultPort;

    Security(int defaultPort) {
      this.defaultPort = defaultPort;
    }
  }

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final int DEFAULT_THREADS = 8;

  static EmailSettings from(ChannelContext c) {
    String host = c.requireSetting("host").strip();
    if (!host.matches("[A-Za-z0-9.\\-:\\[\\]]+")) {
      throw invalid("host", host, "must be a host name or an IP address");
    }
    String securityText = c.setting("security").orElse("starttls").strip();
    Security security;
    try {
      security = Security.valueOf(securityText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid("security", securityText, "must be none, starttls or tls");
    }
    int port = c.intSetting("port", security.defaultPort);
    if (port < 1 || port > 65_535) {
      throw invalid("port", Integer.toString(port), "must be between 1 and 65535");
    }
    String username =
        c.setting("username").map(String::strip).filter(u -> !u.isEmpty()).orElse(null);
    String password = c.setting("password").filter(p -> !p.isEmpty()).orElse(null);
    if (username != null && password == null) {
      throw invalid("password", null, "is required with channel.email.username");
    }
    InternetAddress from = address("from", c.requireSetting("from"));
    InternetAddress replyTo =
        c.setting("replyTo").filter(r -> !r.isBlank()).map(r -> address("replyTo", r)).orElse(null);
    Duration timeout = c.durationSetting("timeout", DEFAULT_TIMEOUT);
    if (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw invalid("timeout", timeout.toString(), "must be between 1ms and 10m");
    }
    int threads = c.intSetting("threads", DEFAULT_THREADS);
    if (threads < 1 || threads > 512) {
      throw invalid("threads", Integer.toString(threads), "must be between 1 and 512");
    }
    String domain =
        c.setting("messageIdDomain")
            .map(String::strip)
            .filter(d -> !d.isEmpty())
            .orElse(from.getAddress().substring(from.getAddress().lastIndexOf('@') + 1));
    if (!domain.matches("[A-Za-z0-9.\\-]+")) {
      throw invalid("messageIdDomain", domain, "must be a domain name");
    }
    return new EmailSettings(
        host,
        port,
        security,
        username,
        password,
        from,
        replyTo,
        timeout,
        threads,
        c.setting("trustedHosts").map(String::strip).orElse(""),
        domain);
  }

  private static InternetAddress address(String key, String value) {
    try {
      InternetAddress a = new InternetAddress(value.strip(), true);
      if (a.getAddress() == null || !a.getAddress().contains("@")) {
        throw invalid(key, value, "must be an email address such as Bank <no-reply@bank.example>");
      }
      return a;
    } catch (AddressException e) {
      throw invalid(key, value, "must be an email address such as Bank <no-reply@bank.example>");
    }
  }

  /** The transport protocol Jakarta Mail is asked for. */
  String protocol() {
    return security == Security.TLS ? "smtps" : "smtp";
  }

  /** The Jakarta Mail session properties these settings come to. */
  Properties sessionProperties() {
    String p = "mail." + protocol() + ".";
    String ms = Long.toString(timeout.toMillis());
    Properties props = new Properties();
    props.setProperty("mail.transport.protocol", protocol());
    props.setProperty(p + "host", host);
    props.setProperty(p + "port", Integer.toString(port));
    props.setProperty(p + "auth", Boolean.toString(username != null));
    props.setProperty(p + "from", from.getAddress());
    props.setProperty(p + "connectiontimeout", ms);
    props.setProperty(p + "timeout", ms);
    props.setProperty(p + "writetimeout", ms);
    if (security == Security.STARTTLS) {
      props.setProperty(p + "starttls.enable", "true");
      props.setProperty(p + "starttls.required", "true");
    }
    if (security != Security.NONE) {
      props.setProperty(p + "ssl.checkserveridentity", Boolean.toString(trustedHosts.isEmpty()));
      if (!trustedHosts.isEmpty()) {
        props.setProperty(p + "ssl.trust", trustedHosts);
      }
    }
    return props;
  }

  private static ConfigException invalid(String key, String value, String rule) {
    return new ConfigException(
        "channel.email." + key + (value == null ? " " : " = \"" + value + "\" ") + rule);
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "EmailSettings{host="
        + host
        + ", port="
        + port
        + ", security="
        + security
        + ", username="
        + username
        + ", password="
        + (password == null ? "none" : "***")
        + ", from="
        + from
        + ", timeout="
        + timeout
        + ", threads="
        + threads
        + "}";
  }
}
