/**
 * `@stats/core/env`: reading a slice of the environment with clear errors, without a schema
 * library (each adapter's `fromEnv` is built on it).
 *
 * @packageDocumentation
 */
export { envReader, type EnvReader, type EnvVariables } from './env-reader.js';
