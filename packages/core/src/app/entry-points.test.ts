import { describe, expect, it } from 'vitest';
import * as root from '../index.js';
import * as app from './index.js';

describe('the application entry point', () => {
  it('each runtime value has one home: /app repeats nothing of the root', () => {
    const names = new Set(Object.keys(root));
    expect(Object.keys(app).filter((name) => names.has(name))).toEqual([]);
  });
});
