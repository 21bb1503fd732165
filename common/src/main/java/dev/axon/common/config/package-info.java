/** Configuration types shared by several verticles, and typed, key-naming reads of configuration trees. */
package dev.axon.common.config;
