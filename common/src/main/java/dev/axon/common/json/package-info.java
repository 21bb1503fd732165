/** The shared Jackson mapper for the canonical records. */
package dev.axon.common.json;
