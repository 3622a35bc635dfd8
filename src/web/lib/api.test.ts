import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../core/error-messages.ts';
import { ApiError, errorText } from './api.ts';

describe('errorText', () => {
  it('shows the catalogue text by code in the app language, with the place only for corrections', () => {
    expect(errorText(new ApiError(404, 'not-found', 'no route GET /api/x'), 'zh-CN')).toBe(ERROR_MESSAGES['not-found'].zh);
    expect(errorText(new ApiError(404, 'not-found', 'no route GET /api/x'), 'en')).toBe(ERROR_MESSAGES['not-found'].en);
    expect(errorText(new ApiError(400, 'validation', 'body.password: required'), 'zh-CN')).toBe(`${ERROR_MESSAGES.validation.zh}（body.password: required）`);
    expect(errorText(new ApiError(500, 'internal', 'an internal error'), 'zh-CN')).toBe(ERROR_MESSAGES.internal.zh);
  });

  it('keeps a network or client error’s own words', () => {
    expect(errorText(new ApiError(0, 'network', 'Failed to fetch'), 'zh-CN')).toBe('Failed to fetch');
    expect(errorText(new Error('boom'), 'zh-CN')).toBe('boom');
  });
});
