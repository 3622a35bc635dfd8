/**
 * Numbers and dates for the current language. Points are exact decimals (at most two places);
 * cents (integer hundredths, the core's unit) are converted here, never with float arithmetic
 * that could show 0.30000000000000004.
 */
import { useTranslation } from 'react-i18next';
import { useMemo, useSyncExternalStore } from 'react';

export interface Formatter {
  lang: string;
  /** 18.5 → "18.5", 1234 → "1,234". */
  points(value: number | null | undefined): string;
  /** Cents (1850) → "18.5". */
  cents(value: number | null | undefined): string;
  /** A signed change: "+2", "−4", "0". */
  delta(value: number | null | undefined): string;
  int(value: number | null | undefined): string;
  percent(value: number | null | undefined, digits?: number): string;
  /** "2020-05-03" or an ISO timestamp → a date in the language's style. */
  date(value: string | null | undefined): string;
  dateTime(value: string | null | undefined): string;
  /** Bytes → "1.2 MB". */
  size(bytes: number | null | undefined): string;
  /** Money in fen → yuan. */
  yuan(fen: number | null | undefined): string;
  /** A parenthesis in the language's style: "（x）" or " (x)". */
  paren(text: string | number): string;
  /** The label separator: "：" or ": ". */
  colon: string;
  /** A list: "a、b、c" or "a, b, c". */
  join(items: readonly string[]): string;
}

const cache = new Map<string, Formatter>();

/** The office's time zone (the server's KAOHE_TIME_ZONE, from the session), kept for opening the app offline. */
const ZONE_KEY = 'kaohe.timeZone';
let officeZone = (typeof localStorage !== 'undefined' && localStorage.getItem(ZONE_KEY)) || 'Asia/Shanghai';
const zoneListeners = new Set<() => void>();

/** Times are shown in this zone from now on (the session says which). A name the browser does not know is ignored. */
export function setOfficeTimeZone(zone: string | undefined): void {
  if (!zone || zone === officeZone) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    return;
  }
  officeZone = zone;
  try {
    localStorage.setItem(ZONE_KEY, zone);
  } catch {
    // A private mode: kept for this page only.
  }
  for (const l of zoneListeners) l();
}

export function officeTimeZone(): string {
  return officeZone;
}

/** A formatter for a language, times in the office's time zone (cached). */
export function formatterFor(lang: string, timeZone: string = officeZone): Formatter {
  const key = `${lang}|${timeZone}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const locale = lang.startsWith('en') ? 'en-GB' : 'zh-CN';
  const pts = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  // A calendar day is read and shown in UTC (no zone can move it); an instant in the office's zone.
  const day = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });
  const d = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone });
  const dt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const dash = '—';
  const f: Formatter = {
    lang,
    points: (v) => (v === null || v === undefined || Number.isNaN(v) ? dash : pts.format(Math.round(v * 100) / 100)),
    cents: (v) => (v === null || v === undefined ? dash : pts.format(v / 100)),
    delta: (v) => {
      if (v === null || v === undefined || Number.isNaN(v)) return dash;
      const r = Math.round(v * 100) / 100;
      if (r === 0) return '0';
      return r > 0 ? `+${pts.format(r)}` : `−${pts.format(-r)}`;
    },
    int: (v) => (v === null || v === undefined ? dash : int.format(v)),
    percent: (v, digits = 1) =>
      v === null || v === undefined || Number.isNaN(v) ? dash : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(v),
    date: (v) => {
      if (!v) return dash;
      // A plain date is a calendar day: show it as such, whatever the time zone.
      if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
        const t = new Date(`${v}T12:00:00Z`);
        return Number.isNaN(t.getTime()) ? v : day.format(t);
      }
      const t = new Date(v);
      return Number.isNaN(t.getTime()) ? v : d.format(t);
    },
    dateTime: (v) => {
      if (!v) return dash;
      const t = new Date(v);
      return Number.isNaN(t.getTime()) ? v : dt.format(t);
    },
    size: (b) => {
      if (b === null || b === undefined) return dash;
      if (b < 1024) return `${int.format(b)} B`;
      if (b < 1024 * 1024) return `${pts.format(Math.round(b / 102.4) / 10)} KB`;
      return `${pts.format(Math.round(b / (1024 * 102.4)) / 10)} MB`;
    },
    yuan: (fen) => (fen === null || fen === undefined ? dash : money.format(fen / 100)),
    paren: (text) => (locale === 'zh-CN' ? `（${text}）` : ` (${text})`),
    colon: locale === 'zh-CN' ? '：' : ': ',
    join: (items) => items.join(locale === 'zh-CN' ? '、' : ', '),
  };
  cache.set(key, f);
  return f;
}

/** The formatter of the current language and the office's time zone (re-renders when either changes). */
export function useFormat(): Formatter {
  const { i18n } = useTranslation();
  const zone = useSyncExternalStore(
    (l) => {
      zoneListeners.add(l);
      return () => zoneListeners.delete(l);
    },
    () => officeZone,
  );
  return useMemo(() => formatterFor(i18n.language, zone), [i18n.language, zone]);
}
