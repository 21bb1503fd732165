/**
 * Counting a request's input tokens without running a turn ({@code POST /v1/messages/count_tokens}): the pool routes
 * the request like a turn and asks the model's provider. Immutable records, safe to share between threads.
 */
package dev.axon.common.tokens;
