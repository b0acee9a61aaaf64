package org.msgcenter.center.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.msgcenter.center.channel.Addresses;
import org.msgcenter.center.delivery.Alerts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Abnormal-endpoint alerts: a WARN line with the numbers when a channel starts failing and when it
 * recovers, and, when {@code alerts.webhookUrl} is set, a JSON POST there ({@code {"alert":
 * "channel.failing"|"channel.recovered", "channel", "failureRate", "calls", "threshold",
 * "pausedFor", "instanceId", "at"}}). A POST that fails is logged, never retried: the log line and
 * the metrics stay the record.
 */
public final class AlertNotifier implements Alerts {
  private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String webhookUrl;
  private final String instanceId;
  private final Clock clock;
  private final HttpClient http;

  /**
   * @param webhookUrl where to POST alerts, or null for log lines only
   */
  public AlertNotifier(String webhookUrl, String instanceId, Clock clock) {
    this.webhookUrl = webhookUrl == null || webhookUrl.isBlank() ? null : webhookUrl;
    this.instanceId = instanceId;
    this.clock = clock;
    this.http =
        this.webhookUrl == null
            ? null
            : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Override
  public void failing(
      String channel,
      String endpoint,
      int failureRatePercent,
      int calls,
      int thresholdPercent,
      Duration pausedFor) {
    log.warn(
        "ALERT channel {} is failing: {}% of the last {} sends failed (threshold {}%); sending paused for {}, deliveries wait as PENDING",
        subject(channel, endpoint), failureRatePercent, calls, thresholdPercent, pausedFor);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("alert", "channel.failing");
    body.put("channel", channel);
    if (endpoint != null) {
      body.put("endpoint", endpoint);
    }
    body.put("failureRate", failureRatePercent);
    body.put("calls", calls);
    body.put("threshold", thresholdPercent);
    body.put("pausedFor", pausedFor.toString());
    post(body);
  }

  @Override
  public void recovered(String channel, String endpoint) {
    log.warn("RECOVERED channel {} is sending again", subject(channel, endpoint));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("alert", "channel.recovered");
    body.put("channel", channel);
    if (endpoint != null) {
      body.put("endpoint", endpoint);
    }
    post(body);
  }

  /** "webhook", or "webhook endpoint partner" for a configured endpoint. */
  private static String subject(String channel, String endpoint) {
    return endpoint == null ? channel : channel + " endpoint " + endpoint;
  }

  private void post(Map<String, Object> body) {
    if (webhookUrl == null) {
      return;
    }
    body.put("instanceId", instanceId);
    body.put("at", clock.instant().toString());
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(webhookUrl))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              if (error != null || response.statusCode() / 100 != 2) {
                log.warn(
                    "Alert {} not delivered to {}: {}",
                    body.get("alert"),
                    Addresses.maskUrl(webhookUrl),
                    error != null ? error.toString() : "HTTP " + response.statusCode());
              }
            });
  }
}
