/**
 * Usage metering for the store role: {@link dev.axon.store.usage.UsageMeter} with a Valkey implementation (atomic
 * counters per key, model and day, kept 90 days) and an in-memory twin. Confined to the store verticle's context.
 */
package dev.axon.store.usage;
