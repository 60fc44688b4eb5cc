/**
 * Configuration read once from HOCON (defaults in reference.conf) into immutable, validated
 * values; a bad key or value is a ConfigError that names the key.
 */
package io.museflow.config;
