import { createRequire, Module } from 'node:module';
import path from 'node:path';
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
 * Packages the SDK requires at load for parts this adapter never uses: its application-service
 * HTTP server (`express`), its rich-reply helper (`sanitize-html`) and its JSON-file storage
 * providers (`lowdb`, which brings the whole of lodash). Together about 20 MiB of RSS and 110 ms
 * of every start (Node 20, `bench/README.md`, e2e matrix). The SDK gets each of them deferred:
 * loaded for real on first use, so nothing of the SDK stops working.
 */
const DEFERRED_BY_SDK: readonly string[] = ['express', 'sanitize-html', 'lowdb', 'lowdb/adapters/FileSync'];

/**
 * A stand-in for a CommonJS module that loads it on first use: called, constructed, or a member
 * read. `__esModule` answers `undefined` without loading (these packages are plain CommonJS).
 */
function deferredModule(load: () => unknown): unknown {
  let real: unknown;
  const target = (): Record<PropertyKey, unknown> & ((...args: unknown[]) => unknown) => {
    real ??= load();
    return real as Record<PropertyKey, unknown> & ((...args: unknown[]) => unknown);
  };
  return new Proxy(function deferred() {}, {
    apply: (_fn, self, args: unknown[]) => Reflect.apply(target(), self, args),
    construct: (_fn, args: unknown[], newTarget) =>
      Reflect.construct(target(), args, newTarget === _fn ? target() : newTarget) as object,
    get: (_fn, key) => (key === '__esModule' ? undefined : Reflect.get(target(), key)),
    has: (_fn, key) => Reflect.has(target(), key),
  });
}

/** Node's CommonJS loader entry point (`Module._load`), undocumented but stable since Node 0.x. */
type ModuleLoad = (request: string, parent: { filename?: string | null } | undefined, isMain: boolean) => unknown;

/**
 * Requires `id` with `sdkRequire`, handing the SDK's own files deferred stand-ins for
 * {@link DEFERRED_BY_SDK}. Only requires made from inside `sdkDir`, during this synchronous call,
 * are affected: nothing goes into the require cache, so the application's own
 * `require('express')` gets the real package.
 */
function requireDeferring(sdkRequire: NodeJS.Require, sdkDir: string, id: string): unknown {
  const loader = Module as unknown as { _load?: ModuleLoad };
  const original = loader._load;
  if (typeof original !== 'function') return sdkRequire(id);
  loader._load = function load(request, parent, isMain) {
    if (DEFERRED_BY_SDK.includes(request) && parent?.filename?.startsWith(sdkDir) === true)
      return deferredModule(() => original.call(Module, request, parent, isMain));
    return original.call(Module, request, parent, isMain);
  };
  try {
    return sdkRequire(id);
  } finally {
    loader._load = original;
  }
}

/**
 * Loads matrix-bot-sdk without its native crypto binary. The SDK's index requires
 * `@matrix-org/matrix-sdk-crypto-nodejs` at load, and that package throws when its platform binary
 * (downloaded by a postinstall script, not from the npm registry) is absent. When it cannot load,
 * Node's require cache gets a stand-in for it first, so the SDK loads and only its crypto would
 * throw. The packages of the SDK's unused parts load on first use ({@link DEFERRED_BY_SDK}).
 * Every runtime import of the SDK in this adapter goes through here.
 */
function loadSdk(): typeof Sdk {
  const require = createRequire(import.meta.url);
  const sdkMain = require.resolve('matrix-bot-sdk');
  const sdkRequire = createRequire(sdkMain);
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
  return requireDeferring(sdkRequire, path.dirname(path.dirname(sdkMain)) + path.sep, 'matrix-bot-sdk') as typeof Sdk;
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
