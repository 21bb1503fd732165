/**
 * The canonical, dialect-neutral chat model: requests, messages with typed content, events of a turn.
 * Immutable records, safe to share between threads and to deliver locally without copying.
 */
package dev.axon.common.chat;
