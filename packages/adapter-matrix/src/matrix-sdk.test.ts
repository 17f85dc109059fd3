import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { MatrixClient, MatrixError, NATIVE_CRYPTO_MISSING } from './matrix-sdk.js';

// The workspace installs matrix-bot-sdk's crypto package without running its postinstall (root
// package.json: ignoredBuiltDependencies), as `npm install --ignore-scripts` or a failed download does.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('matrix-bot-sdk'));

describe('matrix-bot-sdk without its native crypto binary', () => {
  it('loads the SDK, whose crypto package is installed but cannot load here', () => {
    expect(() => sdkRequire.resolve('@matrix-org/matrix-sdk-crypto-nodejs')).not.toThrow();
    expect(typeof MatrixClient).toBe('function');
    expect(new MatrixError({ errcode: 'M_FORBIDDEN', error: 'no' }, 403).errcode).toBe('M_FORBIDDEN');
  });

  it('throws a clear error only when the SDK crypto is used', () => {
    const crypto = sdkRequire('@matrix-org/matrix-sdk-crypto-nodejs') as Record<string, unknown>;
    expect(() => crypto['OlmMachine']).toThrow(NATIVE_CRYPTO_MISSING);
  });
});
