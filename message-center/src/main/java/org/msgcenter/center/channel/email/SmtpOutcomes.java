package org.msgcenter.center.channel.email;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;

/**
 * Turns what Jakarta Mail threw into an outcome: SMTP 4xx is retryable, 5xx permanent; failures to
 * connect, time-outs and refused credentials are retryable.
 */
final class SmtpOutcomes {
  private static final int MAX_QUOTE_CHARS = 200;

  private SmtpOutcomes() {}

  static ChannelOutcome from(MessagingException e, EmailSettings settings) {
    String server = "SMTP server " + settings.host() + ":" + settings.port();
    if (e instanceof AuthenticationFailedException) {
      return new RetryableFailure(
          server
              + " refused the credentials of "
              + settings.username()
              + quoted(e)
              + "; check channel.email.username and channel.email.password");
    }
    // The server's reply to one command: RCPT (an address), MAIL FROM (the sender) or DATA.
    for (Exception x = e; x != null; x = next(x)) {
      if (x instanceof SMTPAddressFailedException a) {
        return byCode(a.getReturnCode(), "address " + a.getAddress() + " refused: " + reply(a));
      }
      if (x instanceof SMTPSenderFailedException s) {
        return byCode(s.getReturnCode(), "sender " + s.getAddress() + " refused: " + reply(s));
      }
      if (x instanceof SMTPSendFailedException f) {
        return byCode(f.getReturnCode(), server + " refused the message: " + reply(f));
      }
    }
    if (e instanceof SendFailedException f
        && f.getInvalidAddresses() != null
        && f.getInvalidAddresses().length > 0) {
      return new PermanentFailure("address refused" + quoted(e));
    }
    Throwable cause = rootIo(e);
    if (cause instanceof UnknownHostException) {
      return new RetryableFailure("cannot resolve " + server);
    }
    if (cause instanceof ConnectException) {
      return new RetryableFailure("cannot connect to " + server + quoted(cause));
    }
    if (cause instanceof SocketTimeoutException) {
      return new RetryableFailure(
          "no answer from " + server + " within " + settings.timeout().toMillis() + " ms");
    }
    if (cause instanceof SSLException) {
      return new RetryableFailure("TLS with " + server + " failed" + quoted(cause));
    }
    if (cause != null) {
      return new RetryableFailure("connection to " + server + " failed" + quoted(cause));
    }
    return new RetryableFailure(
        server + ": " + cut(oneLine(String.valueOf(e.getMessage())), MAX_QUOTE_CHARS));
  }

  /** 4xx: the server asks to come back later; 5xx: it will not take this, ever. */
  private static ChannelOutcome byCode(int code, String reason) {
    return code >= 400 && code < 500 ? new RetryableFailure(reason) : new PermanentFailure(reason);
  }

  private static String reply(MessagingException e) {
    return cut(oneLine(String.valueOf(e.getMessage())), MAX_QUOTE_CHARS);
  }

  private static Exception next(Exception e) {
    return e instanceof MessagingException m ? m.getNextException() : null;
  }

  private static Throwable rootIo(Throwable e) {
    Throwable io = null;
    for (Throwable t = e; t != null; ) {
      if (t instanceof IOException) {
        io = t;
      }
      Throwable next =
          t instanceof MessagingException m && m.getNextException() != null
              ? m.getNextException()
              : t.getCause();
      if (next == t) {
        break;
      }
      t = next;
    }
    return io;
  }

  private static String quoted(Throwable e) {
    String m = e.getMessage() == null ? "" : oneLine(e.getMessage());
    return " ("
        + e.getClass().getSimpleName()
        + (m.isEmpty() ? "" : ": " + cut(m, MAX_QUOTE_CHARS))
        + ")";
  }

  static String oneLine(String s) {
    return s.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
  }

  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
