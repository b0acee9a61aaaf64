package org.msgcenter.access.example.payment;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The payment tables: balances and transfers. Every statement runs on the caller's transaction. */
final class PaymentStore {
  static final String CURRENCY = "CNY";

  /** A transfer as the API shows it. */
  record Transfer(
      String transferId,
      String from,
      String to,
      BigDecimal amount,
      String currency,
      String note,
      String requestId,
      String createdAt) {}

  /** Creates the account with a zero balance unless it exists. */
  void ensureAccount(Connection tx, String userId, BigDecimal opening, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT IGNORE INTO payment_account (user_id, balance, currency, updated_at)"
                + " VALUES (?, ?, ?, ?)")) {
      ps.setString(1, userId);
      ps.setBigDecimal(2, opening);
      ps.setString(3, CURRENCY);
      ps.setObject(4, utc(now));
      ps.executeUpdate();
    }
  }

  /**
   * Locks both accounts in user-id order (the primary key's order), so that two opposite transfers
   * between the same users wait for each other instead of deadlocking; returns the balances.
   */
  Map<String, BigDecimal> lockBalances(Connection tx, String a, String b) throws SQLException {
    Map<String, BigDecimal> balances = new LinkedHashMap<>();
    try (PreparedStatement ps =
        tx.prepareStatement(
            "SELECT user_id, balance FROM payment_account WHERE user_id IN (?, ?)"
                + " ORDER BY user_id FOR UPDATE")) {
      ps.setString(1, a);
      ps.setString(2, b);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          balances.put(rs.getString(1), rs.getBigDecimal(2));
        }
      }
    }
    return balances;
  }

  Optional<BigDecimal> balance(Connection tx, String userId) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement("SELECT balance FROM payment_account WHERE user_id = ?")) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBigDecimal(1)) : Optional.empty();
      }
    }
  }

  /** Adds {@code delta} (negative to take); refuses to go below zero. */
  void move(Connection tx, String userId, BigDecimal delta, Instant now) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "UPDATE payment_account SET balance = balance + ?, updated_at = ?"
                + " WHERE user_id = ? AND balance + ? >= 0")) {
      ps.setBigDecimal(1, delta);
      ps.setObject(2, utc(now));
      ps.setString(3, userId);
      ps.setBigDecimal(4, delta);
      if (ps.executeUpdate() != 1) {
        throw new SQLException("balance of " + userId + " cannot move by " + delta);
      }
    }
  }

  /**
   * Records the transfer.
   *
   * @return false when the payer already used {@code requestId} (a concurrent duplicate)
   */
  boolean insert(Connection tx, Transfer t, Instant now) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO payment_transfer (transfer_id, payer_id, payee_id, amount, currency,"
                + " note, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, t.transferId());
      ps.setString(2, t.from());
      ps.setString(3, t.to());
      ps.setBigDecimal(4, t.amount());
      ps.setString(5, t.currency());
      ps.setString(6, t.note());
      ps.setString(7, t.requestId());
      ps.setObject(8, utc(now));
      ps.executeUpdate();
      return true;
    } catch (SQLIntegrityConstraintViolationException e) {
      return false;
    }
  }

  Optional<Transfer> byRequestId(Connection tx, String payerId, String requestId)
      throws SQLException {
    List<Transfer> found =
        select(tx, "WHERE payer_id = ? AND request_id = ?", 1, payerId, requestId);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The user's latest transfers, sent or received, newest first. */
  List<Transfer> latest(Connection tx, String userId, int limit) throws SQLException {
    List<Transfer> all = new ArrayList<>();
    all.addAll(select(tx, "WHERE payer_id = ? ORDER BY created_at DESC", limit, userId));
    all.addAll(select(tx, "WHERE payee_id = ? ORDER BY created_at DESC", limit, userId));
    all.sort((x, y) -> y.createdAt().compareTo(x.createdAt()));
    return all.size() > limit ? all.subList(0, limit) : all;
  }

  private List<Transfer> select(Connection tx, String where, int limit, Object... args)
      throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "SELECT transfer_id, payer_id, payee_id, amount, currency, note, request_id,"
                + " created_at FROM payment_transfer "
                + where
                + " LIMIT "
                + limit)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      List<Transfer> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Transfer(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getBigDecimal(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getObject(8, LocalDateTime.class).toInstant(ZoneOffset.UTC).toString()));
        }
      }
      return out;
    }
  }

  private static LocalDateTime utc(Instant i) {
    return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
  }
}
