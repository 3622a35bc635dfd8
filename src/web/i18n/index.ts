/**
 * Languages: Chinese (zh-CN) by default, English on request; the choice is kept in the browser.
 * Every label comes from i18n/{zh-CN,en}.json; numbers and dates go through lib/format.ts.
 *
 * Chinese, the default and the fallback, is bundled with the app. English (its labels and Ant
 * Design's en_US locale) is a chunk of its own, fetched when it is chosen or was chosen before:
 * a phone on weak data loads one language, not two. A switch takes effect once the strings are
 * there (no keys shown meanwhile); at start, the app waits for them (`useLangReady`).
 *
 * The Chinese strings are in two files: zh-CN.json, bundled, and zh-CN.more.json, the strings
 * of pages that neither the sign-in nor the assessment page needs (the scheme editor, imports and
 * exports, users, the audit log), fetched with those pages (`withMoreStrings` in App.tsx), so
 * that the first load of a phone stays within its budget. English is one file: it is fetched
 * whole when chosen.
 */
import i18next from 'i18next';
import { useSyncExternalStore } from 'react';
import { initReactI18next, useTranslation } from 'react-i18next';
// The ES modules (antd/locale/* are CommonJS and bring the lib/ copies of the pickers' locales).
import antdZhCN from 'antd/es/locale/zh_CN';
import zhCN from './zh-CN.json';

type Locale = typeof antdZhCN;

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

/** Ant Design's locale for each language whose strings are loaded. */
const antdLocales: Partial<Record<AppLang, Locale>> = { 'zh-CN': antdZhCN };
const loading = new Map<AppLang, Promise<void>>();
/**
 * Languages loaded so far, as a store components subscribe to: i18next announces no change when
 * the strings of the language already set arrive (the start with English saved).
 */
let loaded = 0;
const listeners = new Set<() => void>();
const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const useLoaded = () => useSyncExternalStore(subscribe, () => loaded);

/** Fetches a language's strings and Ant Design's locale for it, once. */
function loadLang(lang: AppLang): Promise<void> {
  if (lang === 'zh-CN' || antdLocales[lang]) return Promise.resolve();
  let pending = loading.get(lang);
  if (!pending) {
    pending = Promise.all([import('./en.json'), import('antd/es/locale/en_US')]).then(([strings, antd]) => {
      i18next.addResourceBundle(lang, 'translation', strings.default, true, true);
      antdLocales[lang] = antd.default;
      loaded++;
      for (const listener of listeners) listener();
    });
    // A failed fetch (a new build, a lost connection) is tried again on the next switch.
    pending.catch(() => loading.delete(lang));
    loading.set(lang, pending);
  }
  return pending;
}

const startLang = initialLang();
void i18next.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN } },
  lng: startLang,
  fallbackLng: 'zh-CN',
  supportedLngs: ['zh-CN', 'en'],
  interpolation: { escapeValue: false },
  returnNull: false,
});
/** The language last asked for: a slow fetch of an earlier choice does not override a later one. */
let wanted: AppLang = startLang;
if (startLang !== 'zh-CN') {
  // Announced again once the strings are in, so that the app renders in the language
  // (useLangReady); Chinese for now when they cannot be fetched (the choice stays saved).
  loadLang(startLang).then(
    () => {
      if (wanted === startLang) void i18next.changeLanguage(startLang);
    },
    () => {
      if (wanted === startLang) void i18next.changeLanguage('zh-CN');
    },
  );
}

let more: Promise<void> | undefined;
/**
 * Fetches the Chinese strings of the pages that load apart (zh-CN.more.json), once; a page that
 * needs them waits for them with its code (App.tsx), so it never shows a key. A failed fetch is
 * tried again by the next page that asks.
 */
export function loadMoreStrings(): Promise<void> {
  more ??= import('./zh-CN.more.json').then((strings) => {
    i18next.addResourceBundle('zh-CN', 'translation', strings.default, true, false);
  });
  more.catch(() => (more = undefined));
  return more;
}

/** The active language, as the app names it. */
function appLang(lang: string): AppLang {
  return lang.startsWith('en') ? 'en' : 'zh-CN';
}

/** Whether the active language's strings are loaded (the app shows a spinner until they are). */
export function useLangReady(): boolean {
  const { i18n } = useTranslation();
  useLoaded();
  return antdLocales[appLang(i18n.language)] !== undefined;
}

/** Ant Design's locale for the active language (Chinese until the other one is loaded). */
export function useAntdLocale(): Locale {
  const { i18n } = useTranslation();
  useLoaded();
  return antdLocales[appLang(i18n.language)] ?? antdZhCN;
}

/** Switches the language, once its strings are loaded, and remembers it. */
export async function setLang(lang: AppLang): Promise<void> {
  wanted = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered
  }
  await loadLang(lang);
  if (wanted !== lang) return;
  await i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

/** The scheme's language code for a UI language (scheme texts are { zh, en }). */
export function schemeLang(lang: string): 'zh' | 'en' {
  return lang.startsWith('en') ? 'en' : 'zh';
}

export default i18next;
