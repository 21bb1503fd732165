/**
 * Chat completions at the edge: the request chain (parse, open conversation, run turns, persist, render) and
 * the per-request exchange. Confined to the API verticle's context.
 */
package dev.axon.api.chat;
