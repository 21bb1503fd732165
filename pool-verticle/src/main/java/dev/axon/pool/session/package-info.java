/**
 * Session pooling: warm sessions per model, acquire and release with a bounded wait queue, turn counting,
 * reset after release, recycling and replacement. All state is confined to the pool verticle's context.
 */
package dev.axon.pool.session;
