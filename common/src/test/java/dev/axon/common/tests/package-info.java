/** Tests of the event-bus contracts: the canonical model's JSON and the codecs a clustered bus uses. */
package dev.axon.common.tests;
