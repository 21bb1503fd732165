/**
 * Enforcement in the gateway of request parameters a provider cannot pass upstream (stop sequences, JSON
 * shapes). Per-turn objects, used on the pool verticle's context.
 */
package dev.axon.pool.emulation;
