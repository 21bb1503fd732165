/** The deterministic {@code mock} provider; its sessions run on the pool verticle's context with Vert.x timers. */
package dev.axon.pool.provider.mock;
