package org.msgcenter.center.channel.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.msgcenter.center.channel.Addresses;
import org.msgcenter.center.channel.Channel;
import org.msgcenter.center.channel.ChannelOutcome;
import org.msgcenter.center.channel.ChannelOutcome.PermanentFailure;
import org.msgcenter.center.channel.ChannelOutcome.RetryableFailure;
import org.msgcenter.center.channel.OutboundDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a notification as a signed HTTP POST to the delivery's URL. Request, headers and
 * outcomes are described on {@link WebhookChannelProvider} and in {@code docs/channels.md}.
 *
 * <p>{@link #send} returns at once; the stage completes within the configured timeout, on the
 * channel's own threads. One HTTP client per channel, which never follows redirects.
 */
public final class WebhookChannel implements Channel {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String DELIVERY_ID = "X-Msgcenter-Delivery-Id";
  static final String MESSAGE_ID = "X-Msgcenter-Message-Id";
  static final String TRACE_ID = "X-Msgcenter-Trace-Id";
  static final String TIMESTAMP = "X-Msgcenter-Timestamp";
  static final String SIGNATURE = "X-Msgcenter-Signature";

  private static final Logger log = LoggerFactory.getLogger(WebhookChannel.class);
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private final WebhookSettings settings;
  private final Clock clock;
  private final WebhookSigner signer;

  /** Threads that process the HTTP client's responses: one per core, at least 2. */
  static final int HTTP_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final ExecutorService executor;
  private final HttpClient client;

  WebhookChannel(WebhookSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.signer = new WebhookSigner(settings.secret());
    // The client runs only non-blocking work here (reading responses, completing futures): a
    // thread per core does it. Its default, a cached pool, started a thread whenever every one was
    // busy for a moment and let it die a minute later; on 2 cores the hand-offs between some 90
    // such threads cost a quarter of the center's CPU in a drain, half of it in the kernel.
    this.executor = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads());
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.timeout())
            .executor(executor)
            .build();
  }

  @Override
  public String name() {
    return WebhookChannelProvider.NAME;
  }

  @Override
  public CompletionStage<ChannelOutcome> send(OutboundDelivery delivery) {
    String masked = Addresses.maskUrl(delivery.address());
    URI target;
    try {
      target = SsrfGuard.parseTarget(delivery.address());
    } catch (SsrfGuard.RefusedTarget e) {
      return refused(delivery, e.getMessage());
    }
    CompletableFuture<ChannelOutcome> result = new CompletableFuture<>();
    result.completeOnTimeout(
        new RetryableFailure(
            "timed out after "
                + WebhookOutcomes.human(settings.timeout())
                + " waiting for "
                + masked),
        settings.timeout().toMillis(),
        TimeUnit.MILLISECONDS);
    CompletableFuture<Optional<String>> refusal;
    try {
      refusal =
          settings.allowPrivateTargets()
              ? CompletableFuture.completedFuture(Optional.empty())
              : CompletableFuture.supplyAsync(() -> checkAddresses(target, masked), executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(new RetryableFailure("webhook channel is closed"));
    }
    refusal
        .thenCompose(
            refused -> {
              if (refused.isPresent()) {
                return refused(delivery, refused.get());
              }
              return result.isDone() ? result : post(delivery, target, masked, result);
            })
        .whenComplete(
            (outcome, error) ->
                result.complete(
                    outcome != null
                        ? outcome
                        : WebhookOutcomes.fromError(error, target, masked, settings.timeout())));
    result.thenAccept(
        outcome ->
            log.debug(
                "Webhook deliveryId={} messageId={} attempt={} to {}: {}",
                delivery.deliveryId(),
                delivery.messageId(),
                delivery.attempt(),
                masked,
                outcome));
    return result;
  }

  /** Resolves the host and names the first address outside the public ranges, if any. */
  private Optional<String> checkAddresses(URI target, String masked) {
    String host = target.getHost();
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new WebhookOutcomes.DnsFailure(e);
    }
    for (InetAddress address : addresses) {
      Optional<String> range = SsrfGuard.refusedRange(address);
      if (range.isPresent()) {
        // An IP literal is named as written; a name is named with the address it resolved to.
        boolean literal = host.startsWith("[") || host.matches("[0-9.]+");
        String subject =
            literal
                ? host.replaceAll("^\\[|]$", "")
                : host + " resolves to " + address.getHostAddress() + ", which";
        return Optional.of(
            "refused "
                + masked
                + ": "
                + subject
                + " is "
                + range.get()
                + "; set channel.webhook.allowPrivateTargets=true to allow private targets");
      }
    }
    return Optional.empty();
  }

  private CompletableFuture<ChannelOutcome> post(
      OutboundDelivery delivery,
      URI target,
      String masked,
      CompletableFuture<ChannelOutcome> result) {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(payload(delivery));
    } catch (JsonProcessingException e) {
      return CompletableFuture.completedFuture(
          new PermanentFailure("cannot write the request body as JSON: " + e.getOriginalMessage()));
    }
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request;
    try {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(target)
              .version(
                  target.getScheme().equalsIgnoreCase("https")
                      ? HttpClient.Version.HTTP_2
                      : HttpClient.Version.HTTP_1_1)
              .timeout(settings.timeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", settings.userAgent())
              .header(IDEMPOTENCY_KEY, delivery.deliveryId())
              .header(DELIVERY_ID, delivery.deliveryId())
              .header(MESSAGE_ID, delivery.messageId())
              .header(TIMESTAMP, Long.toString(timestamp))
              .header(SIGNATURE, signer.sign(timestamp, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (delivery.traceId() != null) {
        builder.header(TRACE_ID, delivery.traceId());
      }
      request = builder.build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          new PermanentFailure("cannot build the request to " + masked + ": " + e.getMessage()));
    }
    CompletableFuture<HttpResponse<byte[]>> http =
        client.sendAsync(request, info -> new BoundedBodySubscriber(settings.maxBodyBytes()));
    // When the deadline completes the result first, stop the exchange instead of waiting it out.
    result.whenComplete((outcome, error) -> http.cancel(true));
    return http.thenApply(
        response -> WebhookOutcomes.fromResponse(response, target, masked, clock));
  }

  private static Map<String, Object> payload(OutboundDelivery d) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("messageId", d.messageId());
    json.put("deliveryId", d.deliveryId());
    json.put("traceId", d.traceId());
    json.put("bizType", d.bizType());
    json.put("bizId", d.bizId());
    json.put("userId", d.userId());
    json.put("title", d.title());
    json.put("content", d.content());
    json.put("data", d.data());
    json.put("createdAt", d.createdAt() == null ? null : d.createdAt().toString());
    json.put("attempt", d.attempt());
    return json;
  }

  private static CompletionStage<ChannelOutcome> refused(OutboundDelivery d, String reason) {
    log.warn(
        "Webhook refused deliveryId={} messageId={}: {}", d.deliveryId(), d.messageId(), reason);
    return CompletableFuture.completedFuture(new PermanentFailure(reason));
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "msgcenter-webhook-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Takes no more attempts. Attempts in flight end normally or, at the latest, as retryable
   * failures when their timeout passes.
   */
  @Override
  public void close() {
    executor.shutdown();
  }

  @Override
  public String toString() {
    return "WebhookChannel{" + settings + "}";
  }
}
