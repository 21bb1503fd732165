/**
 * The API role: {@link dev.axon.api.ApiVerticle} is the HTTP edge. It talks to the pools and the store only
 * over the event bus. Each instance's state is confined to its own context.
 */
package dev.axon.api;
