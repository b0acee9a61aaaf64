package org.msgcenter.access.config;

/** The configuration cannot run: the message names the key, the bad value and the rule. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
