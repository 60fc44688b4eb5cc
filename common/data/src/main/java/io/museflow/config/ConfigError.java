package io.museflow.config;

/** A configuration value that is missing, unknown or out of range; the message names the key. */
public class ConfigError extends RuntimeException {
    public ConfigError(String message) {
        super(message);
    }
}
