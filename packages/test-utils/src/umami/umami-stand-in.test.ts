import { afterEach, describe, expect, it } from 'vitest';
import { startUmami, type RunningUmami } from './umami-stand-in.js';

let umami: RunningUmami | undefined;
afterEach(async () => {
  await umami?.stop();
  umami = undefined;
});

async function login(u: RunningUmami): Promise<string> {
  const res = await fetch(`${u.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'secret' }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe('Umami stand-in follows contracts/umami.md', () => {
  it('validates the query before checking auth (400 before 401)', async () => {
    umami = await startUmami({ version: 'v2.16' });
    const id = '3f6c2a8e-1b7d-4c3e-9a51-0d2f4e6b8a10';
    const bad = await fetch(`${umami.url}/api/websites/${id}/stats`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: ['startAt: Expected number, received nan', 'endAt: Expected number, received nan'],
    });
    const unauthorized = await fetch(`${umami.url}/api/websites/${id}/stats?startAt=0&endAt=1`);
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ error: 'Unauthorized' });
  });

  it('answers errors in the body form of each version', async () => {
    umami = await startUmami({ version: 'v2.0' });
    expect(await (await fetch(`${umami.url}/api/websites`)).text()).toBe('401 Unauthorized');
    umami.version = 'v3';
    expect(await (await fetch(`${umami.url}/api/websites`)).json()).toEqual({
      error: { message: 'Unauthorized', code: 'unauthorized', status: 401 },
    });
  });

  it('pages the website list and speaks v3 metric types', async () => {
    umami = await startUmami({ version: 'v3' });
    const token = await login(umami);
    const headers = { authorization: `Bearer ${token}` };
    const page = (await (await fetch(`${umami.url}/api/websites?page=2&pageSize=1`, { headers })).json()) as {
      data: { name: string }[];
      count: number;
      search: null;
    };
    expect(page.count).toBe(2);
    expect(page.data.map((w) => w.name)).toEqual(['todo.mana.how']);
    expect('search' in page).toBe(true);
    const id = '3f6c2a8e-1b7d-4c3e-9a51-0d2f4e6b8a10';
    expect(
      (await fetch(`${umami.url}/api/websites/${id}/metrics?type=url&startAt=0&endAt=1`, { headers })).status,
    ).toBe(400);
    expect(
      (await fetch(`${umami.url}/api/websites/${id}/metrics?type=path&startAt=0&endAt=1`, { headers })).status,
    ).toBe(200);
  });

  it('requires unit and timezone for v2 pageviews and omits empty buckets', async () => {
    umami = await startUmami({ version: 'v2.12' });
    const headers = { authorization: `Bearer ${await login(umami)}` };
    const id = '9b1d3c5e-7f20-4a6b-8c9d-1e2f3a4b5c6d';
    const start = Date.UTC(2026, 1, 1);
    expect(
      (
        await fetch(`${umami.url}/api/websites/${id}/pageviews?startAt=${start}&endAt=${start + 3 * 86_400_000}`, {
          headers,
        })
      ).status,
    ).toBe(400);
    const body = (await (
      await fetch(
        `${umami.url}/api/websites/${id}/pageviews?startAt=${start}&endAt=${start + 3 * 86_400_000}&unit=day&timezone=UTC`,
        { headers },
      )
    ).json()) as {
      pageviews: { x: string; y: number }[];
    };
    expect(body.pageviews).toEqual([
      { x: '2026-02-01 00:00:00', y: 10 },
      { x: '2026-02-03 00:00:00', y: 50 },
    ]);
  });
});
