export * from './load-config.js';
export { envSchema, SECRET_VARIABLES, type Env } from './env-schema.js';
export { checkDrivers, requiredDrivers, type DriverNeed, type DriverFeatures } from './required-drivers.js';
