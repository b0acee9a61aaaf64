package org.msgcenter.access.module;

/**
 * A user of the access layer, without secrets.
 *
 * @param userId the stable id, used as the notification recipient and the token subject
 * @param username the sign-in name
 * @param displayName for people
 * @param email the address for email notifications, or null
 */
public record UserInfo(String userId, String username, String displayName, String email) {}
