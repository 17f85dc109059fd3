import { createRequire, Module } from 'node:module';
import type * as Sdk from 'matrix-bot-sdk';

/** The package matrix-bot-sdk 0.8 requires at load for its (unused here) end-to-end encryption. */
const NATIVE_CRYPTO = '@matrix-org/matrix-sdk-crypto-nodejs';

/** Why the stand-in throws: said once, in full, when anything touches the SDK's crypto. */
export const NATIVE_CRYPTO_MISSING =
  `matrix-bot-sdk's encryption needs ${NATIVE_CRYPTO} with its native binary, which is not installed here ` +
  '(its postinstall downloads it from GitHub). @stats/adapter-matrix does not use it; this is reached only ' +
  "by calling the SDK's crypto directly.";

/**
 * A module that loads, and throws {@link NATIVE_CRYPTO_MISSING} only when one of its members is
 * used. Symbol keys and the CommonJS interop probes (`__esModule`, `then`, `default`) answer
 * `undefined`, so requiring it and re-exporting from it stay harmless.
 */
function throwingModule(cause: unknown): object {
  const harmless = new Set(['__esModule', 'then', 'default', 'toJSON', 'constructor']);
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (typeof key === 'symbol' || harmless.has(key)) return undefined;
        throw new Error(NATIVE_CRYPTO_MISSING, { cause });
      },
    },
  );
}

/**
 * Loads matrix-bot-sdk without its native crypto binary. The SDK's index requires
 * `@matrix-org/matrix-sdk-crypto-nodejs` at load, and that package throws when its platform binary
 * (downloaded by a postinstall script, not from the npm registry) is absent. When it cannot load,
 * Node's require cache gets a stand-in for it first, so the SDK loads and only its crypto would
 * throw. Every runtime import of the SDK in this adapter goes through here.
 */
function loadSdk(): typeof Sdk {
  const require = createRequire(import.meta.url);
  const sdkRequire = createRequire(require.resolve('matrix-bot-sdk'));
  let cryptoPath: string | undefined;
  try {
    cryptoPath = sdkRequire.resolve(NATIVE_CRYPTO);
    sdkRequire(NATIVE_CRYPTO);
  } catch (error) {
    if (cryptoPath !== undefined) {
      const stub = new Module(cryptoPath);
      stub.filename = cryptoPath;
      stub.loaded = true;
      stub.exports = throwingModule(error);
      sdkRequire.cache[cryptoPath] = stub;
    }
  }
  return sdkRequire('matrix-bot-sdk') as typeof Sdk;
}

const sdk = loadSdk();

/** matrix-bot-sdk's client. */
export const MatrixClient: typeof Sdk.MatrixClient = sdk.MatrixClient;
/** The error matrix-bot-sdk throws when the homeserver answers with an error. */
export const MatrixError: typeof Sdk.MatrixError = sdk.MatrixError;
/** matrix-bot-sdk's process-wide log sink. */
export const LogService: typeof Sdk.LogService = sdk.LogService;
/** matrix-bot-sdk's log levels. */
export const LogLevel: typeof Sdk.LogLevel = sdk.LogLevel;
/** An instance of {@link MatrixClient}. */
export type MatrixClient = Sdk.MatrixClient;
/** An instance of {@link MatrixError}. */
export type MatrixError = Sdk.MatrixError;
/** One of {@link LogLevel}'s levels. */
export type LogLevel = Sdk.LogLevel;
