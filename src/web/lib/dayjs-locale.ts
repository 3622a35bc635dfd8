/**
 * dayjs (the dates of Ant Design's date pickers) in the app's language, following its switches.
 * Imported by the pages that have a date picker, not by the entry: the sign-in page and the
 * others go without dayjs.
 */
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18next from '../i18n/index.ts';

const follow = (lang: string | undefined) => void dayjs.locale(lang?.startsWith('en') ? 'en' : 'zh-cn');
follow(i18next.language);
i18next.on('languageChanged', follow);
