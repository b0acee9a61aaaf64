package org.msgcenter.center.channel;

import java.util.concurrent.CompletionStage;

/**
 * Sends deliveries of one channel. Made by its {@link ChannelProvider}. Implementations must be
 * thread-safe.
 *
 * <p>The center calls {@link #send} from the channel's own bounded executor and never has more than
 * the channel's capacity in flight, so a slow provider holds up only its own channel. A blocking
 * implementation may do its work inside {@code send} and return a completed stage; an asynchronous
 * one (an HTTP client, a Kafka producer) returns at once and completes the stage from its own
 * thread.
 */
public interface Channel extends AutoCloseable {

  /** The channel's name, as written in {@code channels} and stored in {@code delivery.channel}. */
  String name();

  /**
   * Makes one attempt. A provider's failure is an outcome, not an exception: {@link
   * ChannelOutcome.RetryableFailure} or {@link ChannelOutcome.PermanentFailure}. An exception that
   * escapes anyway (thrown, or completing the stage) is recorded as a retryable failure with its
   * message.
   *
   * <p>The stage must complete within the channel's timeout: the delivery's lease is sized from it.
   */
  CompletionStage<ChannelOutcome> send(OutboundDelivery delivery);

  /**
   * Checks a route's fixed target for this channel ({@code route.<pattern>.target.<channel>}) when
   * the center starts, so that a target the channel can never use stops the start instead of
   * failing every delivery.
   *
   * @throws org.msgcenter.center.config.ConfigException naming what is wrong
   */
  default void checkTarget(String target) {}

  /** Releases connections and threads. */
  @Override
  default void close() {}
}
