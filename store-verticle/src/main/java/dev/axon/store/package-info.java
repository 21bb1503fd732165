/**
 * The store role. {@link dev.axon.store.StoreVerticle} owns one {@link dev.axon.store.ConversationStore} and is
 * its only user; all store state is confined to the verticle's context.
 */
package dev.axon.store;
