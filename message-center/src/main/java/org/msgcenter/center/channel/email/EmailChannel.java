package org.msgcenter.center.channel.email;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Clock;
import java.util.Date;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.ChannelOutcome.Sent;
import org.msgcenter.center.channel.OutboundDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each delivery as one SMTP transaction on the channel's own bounded pool: SMTP is blocking,
 * so {@link #send} hands the work to one of {@code threads} threads and returns at once. Socket
 * timeouts (connect, read, write) keep an attempt within the timeout.
 */
final class EmailChannel implements Channel {
  private static final Logger log = LoggerFactory.getLogger(EmailChannel.class);
  private static final int MAX_SUBJECT_CHARS = 200;
  private static final int MAX_RECEIPT_CHARS = 128;

  /** Work waiting for a connection; the dispatcher's capacity keeps it far below this. */
  private static final int QUEUE = 10_000;

  private final EmailSettings settings;
  private final Clock clock;
  private final Session session;
  private final ThreadPoolExecutor executor;

  EmailChannel(EmailSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.session = Session.getInstance(settings.sessionProperties());
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            settings.threads(),
            settings.threads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "msgcenter-email-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  @Override
  public String name() {
    return EmailChannelProvider.NAME;
  }

  @Override
  public CompletionStage<ChannelOutcome> send(OutboundDelivery delivery) {
    CompletableFuture<ChannelOutcome> result;
    try {
      result = CompletableFuture.supplyAsync(() -> sendNow(delivery), executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          new RetryableFailure(
              executor.isShutdown() ? "email channel is closed" : "email channel queue is full"));
    }
    return result.thenApply(
        outcome -> {
          log.debug(
              "Email deliveryId={} messageId={} attempt={}: {}",
              delivery.deliveryId(),
              delivery.messageId(),
              delivery.attempt(),
              outcome);
          return outcome;
        });
  }

  private ChannelOutcome sendNow(OutboundDelivery d) {
    InternetAddress to;
    try {
      to = new InternetAddress(d.address(), true);
    } catch (AddressException e) {
      return new PermanentFailure("not an email address: " + SmtpOutcomes.oneLine(e.getMessage()));
    }
    MimeMessage message;
    try {
      message = message(d, to);
    } catch (MessagingException e) {
      return new PermanentFailure(
          "cannot build the message: " + SmtpOutcomes.oneLine(e.getMessage()));
    }
    try (Transport transport = session.getTransport()) {
      transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
      transport.sendMessage(message, new Address[] {to});
      String reply = transport instanceof SMTPTransport smtp ? smtp.getLastServerResponse() : null;
      return new Sent(
          reply == null ? null : SmtpOutcomes.cut(SmtpOutcomes.oneLine(reply), MAX_RECEIPT_CHARS));
    } catch (MessagingException e) {
      ChannelOutcome outcome = SmtpOutcomes.from(e, settings);
      if (outcome instanceof RetryableFailure) {
        log.warn(
            "Email deliveryId={} messageId={} attempt={} not sent, will retry: {}",
            d.deliveryId(),
            d.messageId(),
            d.attempt(),
            ((RetryableFailure) outcome).reason());
      }
      return outcome;
    }
  }

  private MimeMessage message(OutboundDelivery d, InternetAddress to) throws MessagingException {
    MimeMessage m =
        new IdentifiedMessage(
            session, "<" + d.deliveryId() + "@" + settings.messageIdDomain() + ">");
    m.setFrom(settings.from());
    if (settings.replyTo() != null) {
      m.setReplyTo(new Address[] {settings.replyTo()});
    }
    m.setRecipient(Message.RecipientType.TO, to);
    m.setSubject(subject(d), "UTF-8");
    m.setSentDate(Date.from(clock.instant()));
    m.setHeader("X-Msgcenter-Delivery-Id", d.deliveryId());
    m.setHeader("X-Msgcenter-Message-Id", d.messageId());
    if (d.traceId() != null) {
      m.setHeader("X-Msgcenter-Trace-Id", SmtpOutcomes.oneLine(d.traceId()));
    }
    if (d.html() == null) {
      m.setText(d.content(), "UTF-8");
    } else {
      MimeBodyPart text = new MimeBodyPart();
      text.setText(d.content(), "UTF-8");
      MimeBodyPart html = new MimeBodyPart();
      html.setText(d.html(), "UTF-8", "html");
      // The last part is the preferred one (RFC 2046): HTML where it can be shown.
      m.setContent(new MimeMultipart("alternative", text, html));
    }
    m.saveChanges();
    return m;
  }

  /** The title, else the content's first line; one line, not too long. */
  static String subject(OutboundDelivery d) {
    String s =
        d.title() != null && !d.title().isBlank()
            ? d.title()
            : d.content().strip().split("\\R", 2)[0];
    return SmtpOutcomes.cut(SmtpOutcomes.oneLine(s), MAX_SUBJECT_CHARS);
  }

  /** A message whose {@code Message-ID} is given, not generated: the delivery id. */
  private static final class IdentifiedMessage extends MimeMessage {
    private final String messageId;

    IdentifiedMessage(Session session, String messageId) {
      super(session);
      this.messageId = messageId;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", messageId);
    }
  }

  /** Takes no more attempts; attempts in flight end within their socket timeouts. */
  @Override
  public void close() {
    executor.shutdown();
  }

  @Override
  public String toString() {
    return "EmailChannel{" + settings + "}";
  }
}
