/** The caller side of the streaming turn protocol; confined to the API verticle's context. */
package dev.axon.api.turn;
