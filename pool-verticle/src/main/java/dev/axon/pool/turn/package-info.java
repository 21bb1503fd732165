/** The producer side of the streaming turn protocol; confined to the pool verticle's context. */
package dev.axon.pool.turn;
