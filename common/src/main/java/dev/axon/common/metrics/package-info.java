/** Helpers the verticles' meters share. */
package dev.axon.common.metrics;
