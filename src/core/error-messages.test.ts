import { describe, expect, it } from 'vitest';
import { ERROR_CODES, KaoheError, errorFromWorker, isErrorCode } from './errors.ts';
import { ERROR_MESSAGES, errorLanguage, errorText } from './error-messages.ts';

describe('the error codes', () => {
  it('are listed once each', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('each have a Chinese and an English text, the Chinese without Latin letters', () => {
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const { zh, en } = ERROR_MESSAGES[code];
      expect(zh.trim().length, code).toBeGreaterThan(4);
      expect(en.trim().length, code).toBeGreaterThan(4);
      expect(zh, code).not.toMatch(/[A-Za-zＡ-Ｚａ-ｚ]/);
      expect(zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(en, code).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('a worker reports: its own code kept, anything else internal', () => {
    expect(errorFromWorker('unreadable-file', 'x').code).toBe('unreadable-file');
    expect(errorFromWorker('ENOENT', 'x').code).toBe('internal');
    expect(errorFromWorker(undefined, 'x').code).toBe('internal');
    expect(isErrorCode('not-found')).toBe(true);
    expect(isErrorCode('no-such-code')).toBe(false);
    expect(new KaoheError('locked', 'm').code).toBe('locked');
  });
});

describe('the language of the texts', () => {
  it('is Chinese unless English is asked for, by lang or Accept-Language', () => {
    expect(errorLanguage(undefined)).toBe('zh');
    expect(errorLanguage('en')).toBe('en');
    expect(errorLanguage('zh-CN')).toBe('zh');
    expect(errorLanguage('fr')).toBe('zh');
    expect(errorLanguage(undefined, 'en-US,en;q=0.9')).toBe('en');
    expect(errorLanguage(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(errorLanguage(undefined, 'fr-FR, en;q=0.5')).toBe('en');
    expect(errorLanguage('zh', 'en')).toBe('zh');
    expect(errorText('not-found', 'en')).toBe(ERROR_MESSAGES['not-found'].en);
  });
});
