package org.msgcenter.access.example.account;

/** A short, human description of a client from its {@code User-Agent}: "Firefox on Linux". */
final class Devices {
  private static final int MAX_CHARS = 100;

  private Devices() {}

  static String describe(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return "an unknown device";
    }
    String browser = browser(userAgent);
    String os = os(userAgent);
    String d;
    if (browser != null) {
      d = os == null ? browser : browser + " on " + os;
    } else {
      // Not a browser: curl/8.5.0, okhttp/4.12, Java-http-client/17...
      int space = userAgent.indexOf(' ');
      d = space > 0 ? userAgent.substring(0, space) : userAgent;
    }
    return d.length() <= MAX_CHARS ? d : d.substring(0, MAX_CHARS);
  }

  private static String browser(String ua) {
    if (ua.contains("Edg/")) {
      return "Edge";
    }
    if (ua.contains("Firefox/")) {
      return "Firefox";
    }
    if (ua.contains("Chrome/") || ua.contains("Chromium/")) {
      return "Chrome";
    }
    if (ua.contains("Safari/")) {
      return "Safari";
    }
    return null;
  }

  private static String os(String ua) {
    if (ua.contains("Android")) {
      return "Android";
    }
    if (ua.contains("iPhone") || ua.contains("iPad")) {
      return "iOS";
    }
    if (ua.contains("Windows")) {
      return "Windows";
    }
    if (ua.contains("Mac OS")) {
      return "macOS";
    }
    if (ua.contains("Linux")) {
      return "Linux";
    }
    return null;
  }
}
