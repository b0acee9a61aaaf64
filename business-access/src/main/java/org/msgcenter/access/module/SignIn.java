package org.msgcenter.access.module;

import java.time.Instant;

/**
 * A successful sign-in.
 *
 * @param user who signed in
 * @param clientIp the client's address as the server saw it
 * @param userAgent the {@code User-Agent} header, or empty
 * @param at when
 * @param traceId the request's trace id
 */
public record SignIn(
    UserInfo user, String clientIp, String userAgent, Instant at, String traceId) {}
