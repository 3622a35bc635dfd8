/** What the service worker does with a request (sw-strategy.ts): the API and changes are never its business. */
import { describe, expect, it } from 'vitest';
import { isApiPath, strategyFor } from './sw-strategy.ts';

const ORIGIN = 'https://kaohe.example.gov.cn';
const PRECACHED = new Set(['/', '/index.html', '/assets/index-AbCd1234.js', '/manifest.webmanifest', '/icons/icon-192.png']);
const req = (url: string, mode = 'cors', method = 'GET') => ({ url: url.startsWith('/') ? ORIGIN + url : url, mode, method });

describe('strategyFor', () => {
  it('answers pages of the app network-first, whatever their route', () => {
    for (const path of ['/', '/login', '/campaigns/3/villages/5201', '/my-villages?tab=2', '/index.html']) {
      expect(strategyFor(req(path, 'navigate'), ORIGIN, PRECACHED), path).toBe('navigate');
    }
  });
  it("answers the build's files from the cache, and leaves other files alone", () => {
    expect(strategyFor(req('/assets/index-AbCd1234.js', 'cors'), ORIGIN, PRECACHED)).toBe('precached');
    expect(strategyFor(req('/manifest.webmanifest', 'cors'), ORIGIN, PRECACHED)).toBe('precached');
    expect(strategyFor(req('/icons/icon-192.png', 'no-cors'), ORIGIN, PRECACHED)).toBe('precached');
    expect(strategyFor(req('/assets/old-ZZZZ9999.js'), ORIGIN, PRECACHED)).toBe('pass');
    expect(strategyFor(req('/sw.js', 'same-origin'), ORIGIN, PRECACHED)).toBe('pass');
  });
  it('never touches the API (a read, a change, or a report opened in a tab), changes, or other origins', () => {
    expect(strategyFor(req('/api/auth/me'), ORIGIN, PRECACHED)).toBe('pass');
    expect(strategyFor(req('/api/campaigns/1/reports/sheet.pdf?village=5201', 'navigate'), ORIGIN, PRECACHED)).toBe('pass');
    expect(strategyFor(req('/api', 'navigate'), ORIGIN, PRECACHED)).toBe('pass');
    expect(strategyFor(req('/', 'navigate', 'POST'), ORIGIN, PRECACHED)).toBe('pass');
    expect(strategyFor(req('/assets/index-AbCd1234.js', 'cors', 'HEAD'), ORIGIN, PRECACHED)).toBe('pass');
    expect(strategyFor(req('https://other.example.com/assets/index-AbCd1234.js'), ORIGIN, PRECACHED)).toBe('pass');
    expect(strategyFor(req('https://other.example.com/', 'navigate'), ORIGIN, PRECACHED)).toBe('pass');
    expect(isApiPath('/apis')).toBe(false);
    expect(isApiPath('/api-docs')).toBe(false);
  });
});
