/**
 * Languages: Chinese (zh-CN) by default, English on request; the choice is kept in the browser.
 * Every label comes from i18n/{zh-CN,en}.json; numbers and dates go through lib/format.ts.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from './zh-CN.json';
import en from './en.json';

export type AppLang = 'zh-CN' | 'en';
export const LANGS: readonly AppLang[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'kaohe.lang';

function initialLang(): AppLang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    // storage blocked: the default
  }
  return 'zh-CN';
}

void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLang(),
  fallbackLng: 'zh-CN',
  supportedLngs: ['zh-CN', 'en'],
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Switches the language and remembers it. */
export function setLang(lang: AppLang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered
  }
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

/** The scheme's language code for a UI language (scheme texts are { zh, en }). */
export function schemeLang(lang: string): 'zh' | 'en' {
  return lang.startsWith('en') ? 'en' : 'zh';
}

export default i18next;
