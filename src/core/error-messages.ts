/**
 * What each error code says to a person, in Chinese and in English: what happened and what to
 * do, in the office's words. The server sends the text of the request's language beside its
 * message (which names the field, row or place); the web shows it by code. A code without a
 * text here is a compile error.
 */
import type { ErrorCode } from './errors.ts';

export type ErrorLanguage = 'zh' | 'en';

export interface ErrorText {
  zh: string;
  en: string;
}

export const ERROR_MESSAGES: Record<ErrorCode, ErrorText> = {
  validation: {
    zh: '填写的内容有误，请按提示逐项改正后再提交。',
    en: 'Some of what was entered is not valid: correct each field shown and submit again.',
  },
  'bad-request': {
    zh: '请求的格式不对，请刷新页面后重试。',
    en: 'The request was not in the expected form: reload the page and try again.',
  },
  'unsupported-media-type': {
    zh: '提交的内容类型不被接受，请刷新页面后重试。',
    en: 'The content sent is not of a type accepted here: reload the page and try again.',
  },
  'invalid-findings': {
    zh: '扣分记录有误（考核项目、次数或要素不对），请按提示改正。',
    en: 'Some findings are not valid (item, count or element): correct them as shown.',
  },
  'invalid-assessment': {
    zh: '考核文件的内容有误，请按提示改正后重新提交。',
    en: 'The assessment file is not valid: correct it as shown and submit it again.',
  },
  'invalid-scheme': {
    zh: '考核细则文件有误，请按提示逐项改正。',
    en: 'The assessment scheme has errors: correct each one shown.',
  },
  'invalid-derive-config': {
    zh: '自动扣分的配置有误，请按提示改正。',
    en: 'The configuration of derived findings has errors: correct them as shown.',
  },
  'unknown-kind': {
    zh: '不认识这种数据表，请选择系统提供的表格类型。',
    en: 'This kind of sheet is not known: choose one of the kinds the system offers.',
  },
  'bad-period': {
    zh: '考核期间的日期不对，请填写正确的起止日期。',
    en: 'The dates of the period are not valid: enter a correct start and end date.',
  },
  'demo-option': {
    zh: '演示数据的参数不对，请按提示改正。',
    en: 'An option for the demo data is not valid: correct it as shown.',
  },
  'demo-code-list': {
    zh: '演示数据的区划代码清单有误，请检查后重试。',
    en: 'The list of area codes for the demo data is not valid: check it and try again.',
  },
  'weak-password': {
    zh: '密码太简单，请换一个更长、更难猜的密码。',
    en: 'The password is too weak: choose a longer one that is harder to guess.',
  },
  'unreadable-file': {
    zh: '文件读不出来，请检查文件是否完整后重新上传。',
    en: 'The file could not be read: check that it is complete and upload it again.',
  },
  'unreadable-xlsx': {
    zh: '这个电子表格文件读不出来，可能已损坏，请用表格软件重新保存后再上传。',
    en: 'The workbook could not be read (it may be damaged): save it again from your spreadsheet program and upload it.',
  },
  'unreadable-docx': {
    zh: '这个文档读不出来，可能已损坏，请用文字处理软件重新保存后再上传。',
    en: 'The Word document could not be read (it may be damaged): save it again as .docx and upload it.',
  },
  'unreadable-csv': {
    zh: '这个逗号分隔文件读不出来，请检查引号和分隔符，或另存为电子表格后再上传。',
    en: 'The CSV file could not be read: check its quotes and separators, or save it as a workbook and upload that.',
  },
  'unsupported-format': {
    zh: '不支持这种文件格式，请上传电子表格文件或逗号分隔的文本文件（可用系统提供的模板）。',
    en: 'This file format is not supported: upload an .xlsx or .csv file.',
  },
  'unsupported-encoding': {
    zh: '文件的文字编码无法识别，请用表格软件另存为电子表格文件后再上传。',
    en: 'The text encoding of the file is not recognised: save it as CSV UTF-8 or as .xlsx.',
  },
  'invalid-encoding': {
    zh: '文件中有乱码（编码混用或文件损坏），请用表格软件重新另存为电子表格文件后再上传。',
    en: 'The file has garbled text (mixed encodings or damage): save it again in one encoding, UTF-8, and upload it.',
  },
  'xlsx-too-large': {
    zh: '电子表格太大，无法读取，请拆成几个文件或另存为逗号分隔文件后再上传。',
    en: 'The workbook is too large to read: split it into several files, or save it as CSV, and upload again.',
  },
  'empty-file': {
    zh: '文件是空的，请选择有内容的文件。',
    en: 'The file is empty: choose a file with content.',
  },
  'no-data-rows': {
    zh: '文件里只有表头，没有数据行，请填好数据后再上传。',
    en: 'The file has a header but no data rows: fill in the rows and upload it again.',
  },
  'no-score-sheets': {
    zh: '文件里没有找到考核打分表，请检查所选文件。',
    en: 'No score sheets were found in the file: check that it is the right file.',
  },
  'missing-header': {
    zh: '没有找到表头行，请按模板填写表头后再上传。',
    en: 'No header row was found: use the headers of the template and upload again.',
  },
  'missing-columns': {
    zh: '表格缺少必填的列，请按模板补齐后再上传。',
    en: 'The sheet lacks required columns: add them as in the template and upload again.',
  },
  'evidence-type': {
    zh: '不接受这种类型的佐证材料，请上传照片、扫描件等允许的文件类型。',
    en: 'Evidence of this type is not accepted: upload a picture or a PDF.',
  },
  'evidence-too-large': {
    zh: '佐证材料文件太大，请压缩或拆分后再上传。',
    en: 'The evidence file is too large: make it smaller or split it, then upload again.',
  },
  'evidence-quota': {
    zh: '本次考核的佐证材料空间已满，请删除不需要的文件后再上传。',
    en: 'The room for this assessment’s evidence is full: remove files that are not needed, then upload.',
  },
  'evidence-active-content': {
    zh: '该文档含有脚本、表单等活动内容，不能作为佐证材料，请重新打印成新文档或扫描纸质件后上传。',
    en: 'The PDF has active content (scripts, forms): print it to a new PDF or scan the paper, then upload.',
  },
  'evidence-empty': {
    zh: '佐证材料文件是空的，请选择有内容的文件。',
    en: 'The evidence file is empty: choose a file with content.',
  },
  'evidence-unreadable': {
    zh: '佐证材料文件读不出来，可能已损坏，请重新保存后上传。',
    en: 'The evidence file could not be read (it may be damaged): save it again and upload it.',
  },
  'evidence-bad-id': {
    zh: '找不到这份佐证材料，请刷新页面后重试。',
    en: 'This evidence file was not found: reload the page and try again.',
  },
  'upload-offset': {
    zh: '照片上传的进度与服务器不一致，将从服务器已收到的位置继续上传。',
    en: 'The upload is not where the server has it: it goes on from the bytes the server holds.',
  },
  'upload-hash-mismatch': {
    zh: '上传的照片与原文件不一致（校验值不符），已丢弃，请重新上传。',
    en: 'The uploaded file does not match its checksum: it was discarded; upload it again.',
  },
  'upload-incomplete': {
    zh: '照片还没有上传完成，请等上传完成后再保存。',
    en: 'The file has not been uploaded completely yet: wait for the upload to finish, then save.',
  },
  'ranking-bad-points': {
    zh: '排名所用的分数有误，请联系管理员。',
    en: 'A score used for the ranking is not valid: tell the administrator.',
  },
  'ranking-duplicate-village': {
    zh: '排名中同一个村出现了两次，请联系管理员。',
    en: 'A village appears twice in the ranking: tell the administrator.',
  },
  'ranking-overflow': {
    zh: '排名的分数超出范围，请联系管理员。',
    en: 'A score in the ranking is out of range: tell the administrator.',
  },
  'combine-no-periods': {
    zh: '考核细则没有设置考核阶段（如平时考核、年终考核），无法计算综合得分。',
    en: 'The scheme sets no periods (such as quarterly and year-end assessments): there is no combined score to compute.',
  },
  'combine-unknown-period': {
    zh: '考核工作所属的考核阶段不在考核细则中，请检查考核工作的设置。',
    en: "A campaign's period is not one of the scheme's periods: check the campaign's settings.",
  },
  unauthenticated: {
    zh: '尚未登录或登录已过期，请重新登录。',
    en: 'You are not signed in, or your session has ended: sign in again.',
  },
  csrf: {
    zh: '页面已过期，请刷新页面后重试。',
    en: 'The page is out of date: reload it and try again.',
  },
  forbidden: {
    zh: '您没有权限进行这项操作，如有需要请联系管理员。',
    en: 'You may not do this: ask the administrator if you need to.',
  },
  'password-change-required': {
    zh: '请先修改密码，再继续使用系统。',
    en: 'Change your password first, then carry on.',
  },
  'account-disabled': {
    zh: '该账号已被停用，无法登录；如需使用，请联系县扶贫办重新启用。',
    en: 'This account has been disabled and cannot sign in: ask the county office to enable it again.',
  },
  'not-found': {
    zh: '要找的内容不存在或已被删除，请返回上一页重试。',
    en: 'What you asked for does not exist or was removed: go back and try again.',
  },
  'unknown-scheme': {
    zh: '找不到这个考核细则，请检查细则编号。',
    en: 'This assessment scheme is not known: check its id.',
  },
  conflict: {
    zh: '内容已被他人修改，请刷新页面查看最新内容后再保存。',
    en: 'Someone else changed this meanwhile: reload to see the latest and save again.',
  },
  'invalid-state': {
    zh: '当前状态下不能进行这项操作，请刷新页面查看最新状态。',
    en: 'This cannot be done in the current state: reload the page to see the latest state.',
  },
  'scheme-version-exists': {
    zh: '这个版本号的考核细则已经存在且内容不同，请提高版本号后再保存。',
    en: 'A scheme with this version number is already stored with other content: raise the version to store a change.',
  },
  'registry-not-empty': {
    zh: '系统中已有数据，演示数据只能生成到空的系统中。',
    en: 'The registry already holds data: demo data is only generated into an empty registry.',
  },
  'idempotency-mismatch': {
    zh: '这条待同步的修改与已经提交的内容不一致，未能保存，请联系管理员。',
    en: 'This queued change does not match the one already sent under its key: it was not saved; tell the administrator.',
  },
  'idempotency-pending': {
    zh: '这条修改正在保存中，请稍后再试。',
    en: 'This change is still being saved: try again shortly.',
  },
  'rate-limited': {
    zh: '尝试次数太多，请稍等一会儿再试。',
    en: 'Too many attempts: wait a while and try again.',
  },
  locked: {
    zh: '密码错误次数太多，账号已暂时锁定，请稍后再试。',
    en: 'Too many wrong passwords: the account is locked for a while; try again later.',
  },
  busy: {
    zh: '系统正忙，请稍等片刻再试。',
    en: 'The system is busy: wait a moment and try again.',
  },
  internal: {
    zh: '系统内部出错，已记录在服务器日志中，请稍后重试或联系管理员。',
    en: 'An internal error occurred and was written to the server log: try again later or tell the administrator.',
  },
};

/** The text for `code` in `lang`. */
export function errorText(code: ErrorCode, lang: ErrorLanguage): string {
  return ERROR_MESSAGES[code][lang];
}

/** The language asked for: a `lang` value or an Accept-Language header; Chinese unless English is asked for first. */
export function errorLanguage(lang: string | undefined, acceptLanguage?: string): ErrorLanguage {
  const pick = (v: string): ErrorLanguage | undefined => (/^en\b/i.test(v) ? 'en' : /^zh\b/i.test(v) ? 'zh' : undefined);
  if (lang) return pick(lang.trim()) ?? 'zh';
  for (const part of (acceptLanguage ?? '').split(',')) {
    const found = pick(part.trim());
    if (found) return found;
  }
  return 'zh';
}
