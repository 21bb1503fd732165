/**
 * Tests of the pool verticle: the session pool over a scripted provider, the turn runner and the verticle over the
 * event-bus contract, the mock provider, the emulation helpers and the options. Pools are created on a Vert.x
 * context (they are confined to it); assertions run inside {@code VertxTestContext.verify}.
 */
package dev.axon.pool.tests;
