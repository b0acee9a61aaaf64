package org.msgcenter.center.peers;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpManager;
import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A real SMTP server (GreenMail) on a free port of 127.0.0.1, with the recipient policy of a real
 * mail server: it refuses mailboxes whose local part starts with {@code nobody} ({@code 550 5.1.1})
 * and greylists those starting with {@code later} ({@code 451 4.7.1}); everyone else is accepted.
 * It knows one user, {@link #USER} with password {@link #PASSWORD}, and refuses other credentials
 * ({@code 535}).
 */
public final class MailServer implements AutoCloseable {
  public static final String USER = "mailer";
  public static final String PASSWORD = "mailer-password";

  private final GreenMail greenMail;
  private final boolean tls;

  private MailServer(boolean tls) {
    this.tls = tls;
    ServerSetup setup =
        new ServerSetup(
                0, "127.0.0.1", tls ? ServerSetup.PROTOCOL_SMTPS : ServerSetup.PROTOCOL_SMTP)
            .dynamicPort();
    this.greenMail =
        new PolicyGreenMail(setup)
            .withConfiguration(
                GreenMailConfiguration.aConfig().withUser("mailer@localhost", USER, PASSWORD));
    greenMail.start();
  }

  /** Plain SMTP (no TLS). */
  public static MailServer start() {
    return new MailServer(false);
  }

  /** SMTPS: TLS from the first byte, with GreenMail's self-signed certificate. */
  public static MailServer startTls() {
    return new MailServer(true);
  }

  public int port() {
    return (tls ? greenMail.getSmtps() : greenMail.getSmtp()).getPort();
  }

  /** Settings of the email channel for this server, without the {@code channel.email.} prefix. */
  public Map<String, String> channelSettings() {
    return Map.of(
        "host",
        "127.0.0.1",
        "port",
        Integer.toString(port()),
        "security",
        tls ? "tls" : "none",
        "trustedHosts",
        tls ? "*" : "",
        "username",
        USER,
        "password",
        PASSWORD,
        "from",
        "Bank <no-reply@bank.example>");
  }

  public List<MimeMessage> received() {
    return Arrays.asList(greenMail.getReceivedMessages());
  }

  /** The messages received for {@code address}. */
  public List<MimeMessage> receivedBy(String address) {
    return received().stream()
        .filter(
            m -> {
              try {
                return Arrays.stream(m.getAllRecipients())
                    .anyMatch(a -> a.toString().equalsIgnoreCase(address));
              } catch (MessagingException e) {
                return false;
              }
            })
        .toList();
  }

  @Override
  public void close() {
    greenMail.stop();
  }

  /** GreenMail with the recipient policy above; GreenMail itself accepts every recipient. */
  private static final class PolicyGreenMail extends GreenMail {
    PolicyGreenMail(ServerSetup setup) {
      super(setup);
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers managers) {
      return super.createServices(config, new PolicyManagers(managers));
    }
  }

  private static final class PolicyManagers extends Managers {
    private final Managers delegate;
    private final SmtpManager smtp;

    PolicyManagers(Managers delegate) {
      this.delegate = delegate;
      this.smtp = new PolicySmtpManager(delegate.getImapHostManager(), delegate.getUserManager());
    }

    @Override
    public SmtpManager getSmtpManager() {
      return smtp;
    }

    @Override
    public UserManager getUserManager() {
      return delegate.getUserManager();
    }

    @Override
    public ImapHostManager getImapHostManager() {
      return delegate.getImapHostManager();
    }
  }

  private static final class PolicySmtpManager extends SmtpManager {
    PolicySmtpManager(ImapHostManager imap, UserManager users) {
      super(imap, users);
    }

    @Override
    public String checkRecipient(SmtpState state, MailAddress address) {
      String local = address.getUser();
      if (local.startsWith("nobody")) {
        return "550 5.1.1 <" + address.getEmail() + ">: Recipient address rejected: User unknown";
      }
      if (local.startsWith("later")) {
        return "451 4.7.1 <"
            + address.getEmail()
            + ">: Recipient address rejected: Greylisted, try again later";
      }
      return super.checkRecipient(state, address);
    }
  }
}
