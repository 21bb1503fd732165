/** Requests to the conversation store and what it answers. */
package dev.axon.common.conversation;
