export {
  createLogger,
  defaultLogger,
  silentLogger,
  withErrorSerializers,
  REDACT_PATHS,
  type CreateLoggerOptions,
} from './create-logger.js';
export { serializeError, errorSerializers, MAX_CAUSE_DEPTH, type SerializedError } from './error-serializer.js';
export { scrubSecrets, SCRUBBED } from './scrub-secrets.js';
export type { Logger } from 'pino';
