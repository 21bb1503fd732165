package dev.axon.pool.session;

/**
 * The limits of one model's pool.
 *
 * @param size             sessions kept warm (the minimum)
 * @param max              sessions at most, warming and busy included
 * @param maxTurns         turns a session serves (warm-up included) before it is recycled
 * @param acquireTimeoutMs how long a caller may wait in the queue before {@code POOL_BUSY}
 * @param maxWaiting       callers that may wait at once; one more gets {@code POOL_BUSY} at once
 * @param resetTimeoutMs   a reset that takes longer discards the session
 * @param leakDetectionMs  a session held longer is reported in the log with its holder (0: off)
 * @param idleTrimMs       sessions above {@code size} idle this long are closed
 */
public record PoolSettings(int size, int max, int maxTurns, long acquireTimeoutMs, int maxWaiting,
                           long resetTimeoutMs, long leakDetectionMs, long idleTrimMs) {
}
