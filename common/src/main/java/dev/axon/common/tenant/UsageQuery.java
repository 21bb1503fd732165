package dev.axon.common.tenant;

/**
 * Reads metered usage for the UTC days {@code from} to {@code to} inclusive ({@code YYYY-MM-DD}). Replies
 * {@link UsageReport}.
 *
 * @param subject a key's configured name, or null for the gateway-wide totals over every key
 */
public record UsageQuery(String subject, String from, String to) {
}
