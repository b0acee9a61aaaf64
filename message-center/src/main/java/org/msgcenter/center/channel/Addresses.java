package org.msgcenter.center.channel;

import java.util.Locale;
import java.util.regex.Pattern;

/** Showing addresses that carry secrets without showing the secrets. */
public final class Addresses {
  /** What stands for everything a masked address leaves out. */
  public static final String MASK = "***";

  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\-_:\\[\\]%]*");

  private Addresses() {}

  /**
   * A URL reduced to {@code scheme://host[:port]/***}: nothing of its user info, path, query or
   * fragment, where robot and webhook URLs carry their tokens. Use it in every reason, log line and
   * view that shows such a URL.
   *
   * <p>Works on the text, not on a parsed {@link java.net.URI}, so a URL that does not parse is
   * masked too. What cannot be read as {@code scheme://authority} becomes {@code ***}; {@code
   * file:///etc/passwd} becomes {@code file:///***}; null stays null.
   */
  public static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    String text = url.strip();
    int schemeEnd = text.indexOf("://");
    if (schemeEnd <= 0 || !SCHEME.matcher(text.substring(0, schemeEnd)).matches()) {
      return MASK;
    }
    String rest = text.substring(schemeEnd + 3);
    int authorityEnd = rest.length();
    for (char c : new char[] {'/', '?', '#', '\\'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < authorityEnd) {
        authorityEnd = i;
      }
    }
    String authority = rest.substring(0, authorityEnd);
    String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
    if (!HOST_PORT.matcher(hostPort).matches()) {
      return MASK;
    }
    return text.substring(0, schemeEnd).toLowerCase(Locale.ROOT) + "://" + hostPort + "/" + MASK;
  }
}
