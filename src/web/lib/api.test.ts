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

  it("shows a refused field's sentence in the app language, the field by the form's name (unnamed in Chinese when it has none)", () => {
    const refused = (field: string, text: string) => new ApiError(400, 'validation', `${field}: required, but missing`, [{ field, message: 'required, but missing', text }]);
    expect(errorText(refused('body.password', '必填，但未填写'), 'zh-CN')).toBe(`${ERROR_MESSAGES.validation.zh}（密码：必填，但未填写）`);
    expect(errorText(refused('body.members.2.username', '不能为空'), 'zh-CN')).toBe(`${ERROR_MESSAGES.validation.zh}（用户名：不能为空）`);
    expect(errorText(refused('body.password', 'required, but missing'), 'en')).toBe(`${ERROR_MESSAGES.validation.en} (password: required, but missing)`);
    expect(errorText(refused('query.pageSize', '不能大于500'), 'zh-CN')).toBe(`${ERROR_MESSAGES.validation.zh}（不能大于500）`);
    expect(errorText(refused('query.pageSize', 'at most 500'), 'en')).toBe(`${ERROR_MESSAGES.validation.en} (pageSize: at most 500)`);
  });

  it('keeps a network or client error’s own words', () => {
    expect(errorText(new ApiError(0, 'network', 'Failed to fetch'), 'zh-CN')).toBe('Failed to fetch');
    expect(errorText(new Error('boom'), 'zh-CN')).toBe('boom');
  });
});
