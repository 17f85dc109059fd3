export * from './bot-api-server.js';
export type * from './bot-api-types.js';
export {
  parseTelegramHtml,
  commandEntities,
  EntityParseError,
  type ParsedText,
  type TelegramEntity,
} from './telegram-html.js';
export { parseMultipart, type MultipartBody, type FilePart } from './multipart.js';
