package org.msgcenter.api;

/**
 * How urgent a notification is. {@link #HIGH} travels on its own topic with its own consumer, so a
 * bulk campaign never delays it; {@link #NORMAL} is the default.
 */
public enum Priority {
  /** One-time passcodes, fraud alerts: never queued behind other traffic. */
  HIGH,
  /** The default. */
  NORMAL,
  /** Campaigns and digests: may wait, for example through quiet hours. */
  LOW
}
