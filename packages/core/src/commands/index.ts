export * from './args.js';
export * from './define-command.js';
