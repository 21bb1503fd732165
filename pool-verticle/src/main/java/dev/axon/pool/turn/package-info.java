/** The producer side of the streaming turn protocol, and token counts routed like turns; confined to the pool verticle's context. */
package dev.axon.pool.turn;
