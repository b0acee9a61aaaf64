package org.msgcenter.notifier.config;

import org.msgcenter.api.MessageCenterException;

/** A configuration that cannot run; the message names the key and the bad value. */
public class ConfigException extends MessageCenterException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
