/**
 * Tenant contracts between the edge and the store: per-key rate limits (acquire, renew, release) and usage metering
 * (record, query). Immutable records.
 */
package dev.axon.common.tenant;
