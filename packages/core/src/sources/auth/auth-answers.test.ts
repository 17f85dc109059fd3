import { createTokenSigner } from '@stats/test-utils';
import { describe, expect, it } from 'vitest';
import { accountFromToken, readCreditBalance, readCreditTransaction, readLoginAnswer } from './auth-answers.js';

describe('auth answers, read by hand', () => {
  it('reads both login shapes, the account from a jose-signed token and the answer`s user', async () => {
    const signer = await createTokenSigner('http://auth.test');
    const accessToken = await signer.sign({ sub: 'u-1', email: 'ada@example.org' }, 900);
    expect(accountFromToken(accessToken)).toEqual({ id: 'u-1', email: 'ada@example.org' });
    expect(readLoginAnswer({ accessToken, refreshToken: 'r' })).toEqual({
      account: { id: 'u-1', email: 'ada@example.org' },
      accessToken,
      refreshToken: 'r',
    });
    expect(readLoginAnswer({ user: { id: 42, name: null }, accessToken, token: 's', extra: true })).toEqual({
      account: { id: '42', email: 'ada@example.org' },
      accessToken,
      refreshToken: 's',
    });
  });

  it('refuses answers without tokens or with malformed fields', () => {
    for (const body of [
      null,
      [],
      {},
      { accessToken: 'a' },
      { accessToken: '', refreshToken: 'r' },
      { accessToken: 'a', refreshToken: '' },
      { accessToken: 'a', refreshToken: 'r', user: { email: 'x' } },
      { accessToken: 'a', token: 's', user: { id: 1, name: 5 } },
    ]) {
      expect(() => readLoginAnswer(body), JSON.stringify(body)).toThrow(/without the expected tokens/);
    }
  });

  it('reads credit balances and transactions with their defaults, and skips malformed ones', () => {
    expect(readCreditBalance({ balance: 3 })).toEqual({
      balance: 3,
      freeCreditsRemaining: 0,
      totalEarned: 0,
      totalSpent: 0,
    });
    expect(readCreditBalance({ balance: '3' })).toBeUndefined();
    expect(readCreditBalance({ balance: 3, totalSpent: null })).toBeUndefined();
    expect(readCreditTransaction({ id: 7, amount: -2, createdAt: '2026-01-01', appId: null })).toEqual({
      id: '7',
      type: 'usage',
      amount: -2,
      appId: 'unknown',
      description: '',
      createdAt: '2026-01-01',
    });
    expect(readCreditTransaction({ id: 'a', amount: 1, createdAt: 5 })).toBeUndefined();
    expect(readCreditTransaction({ id: 'a', createdAt: 'x' })).toBeUndefined();
  });
});
