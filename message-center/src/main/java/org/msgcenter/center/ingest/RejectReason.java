package org.msgcenter.center.ingest;

/**
 * Why a record was refused and sent to the dead-letter topic; stored in {@code
 * rejected_record.reason} and the {@code msgcenter.reason} header.
 */
public enum RejectReason {
  /** Not JSON, or not a JSON object. */
  MALFORMED,
  /** A schema version this center does not read. */
  UNSUPPORTED_SCHEMA,
  /** Fields that break the wire format's rules. */
  INVALID_FIELDS,
  /** Larger than 64 KB. */
  TOO_LARGE,
  /** No route for its bizType, no default route, and no channels of its own. */
  NO_ROUTE,
  /** It names a channel this center does not have. */
  UNKNOWN_CHANNEL,
  /** The database refused its values. */
  REFUSED_BY_DATABASE
}
