package org.msgcenter.access.internal;

import io.javalin.http.Context;
import java.time.Instant;
import org.msgcenter.api.Notification;

/**
 * Facts about a request that modules and notifications carry: the client's address, its user agent,
 * the time, and a trace id (the caller's {@code X-Trace-Id} when it is a valid one, else made here
 * and echoed in the response).
 */
public record RequestInfo(String clientIp, String userAgent, Instant at, String traceId) {
  public static final String TRACE_HEADER = "X-Trace-Id";
  static final String ATTRIBUTE = "msgcenter.request";

  /** Called first for every request: fixes the trace id and the time. */
  public static void begin(Context ctx, java.time.Clock clock) {
    String given = ctx.header(TRACE_HEADER);
    String traceId =
        given != null
                && given.length() <= Notification.MAX_TRACE_ID_CHARS
                && Notification.TRACE_ID.matcher(given).matches()
            ? given
            : org.msgcenter.api.Uuid7.generate();
    String ua = ctx.header("User-Agent");
    ctx.attribute(
        ATTRIBUTE, new RequestInfo(ctx.ip(), ua == null ? "" : ua, clock.instant(), traceId));
    ctx.header(TRACE_HEADER, traceId);
  }

  public static RequestInfo of(Context ctx) {
    RequestInfo info = ctx.attribute(ATTRIBUTE);
    if (info == null) {
      throw new IllegalStateException("RequestInfo.begin was not called for this request");
    }
    return info;
  }
}
