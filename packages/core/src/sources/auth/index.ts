export * from './auth-answers.js';
export * from './auth-service-client.js';
export * from './json-fields.js';
