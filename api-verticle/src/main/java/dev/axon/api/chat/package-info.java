/**
 * Chat turns at the edge, whatever the client's dialect: the request chain ({@link dev.axon.api.chat.ChatTurnHandler}:
 * parse, open conversation, check bounds, run turns, persist, render) and the per-request exchange; a dialect plugs
 * in its parser and renderer ({@link dev.axon.api.chat.ChatDialect}, {@link dev.axon.api.chat.ExchangeRenderer}).
 * Confined to the API verticle's context.
 */
package dev.axon.api.chat;
