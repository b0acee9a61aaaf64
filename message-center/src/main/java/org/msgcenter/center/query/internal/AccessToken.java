package org.msgcenter.center.query.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The access token the services require, kept as a bean of the Dubbo application (never a URL
 * parameter, so never in the registry). Compared in constant time.
 */
public final class AccessToken {
  private final byte[] secret;

  public AccessToken(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("the access token must not be empty");
    }
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  public boolean matches(String given) {
    return given != null && MessageDigest.isEqual(secret, given.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "AccessToken[***]";
  }
}
