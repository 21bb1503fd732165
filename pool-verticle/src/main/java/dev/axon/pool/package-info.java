/**
 * The pool role: {@link dev.axon.pool.PoolVerticle} owns the session pools of its JVM, their providers and the
 * turns they run. Everything below it is confined to the verticle's context.
 */
package dev.axon.pool;
