/** Conversation reads at the edge and the store client; the store itself is another verticle. */
package dev.axon.api.conversation;
