/** 中文 | EN: the language switch, on the sign-in page and in the shell's header. */
import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLang, type AppLang } from '../i18n/index.ts';

export function LanguageSwitch({ size }: { size?: 'small' | 'middle' }) {
  const { i18n } = useTranslation();
  return (
    <Segmented
      size={size ?? 'small'}
      data-testid="lang-switch"
      value={i18n.language.startsWith('en') ? 'en' : 'zh-CN'}
      options={[
        { label: <span data-testid="lang-zh">中文</span>, value: 'zh-CN' },
        { label: <span data-testid="lang-en">EN</span>, value: 'en' },
      ]}
      // English is fetched on first use: until it is there the page stays as it is (a failed fetch too).
      onChange={(v) => void setLang(v as AppLang).catch(() => undefined)}
    />
  );
}
