/** Gauges, counters and health reports that verticles answer on the event bus. */
package dev.axon.common.stats;
