/** The web application's entry: languages, Ant Design's locale and theme, the signed-in user, the app. */
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAntdLocale } from './i18n/index.ts';
import './styles.css';
import { AuthProvider } from './lib/auth.tsx';
import { App } from './App.tsx';
import { registerServiceWorker } from './lib/pwa.ts';

/** Fields' hover and focus outline (the brand red, colorPrimary, would read as an error). */
const FOCUS = { activeBorderColor: '#1677ff', hoverBorderColor: '#4096ff', activeShadow: '0 0 0 2px rgba(5, 145, 255, 0.15)' };
/**
 * Text that meets WCAG 2.1 AA (4.5:1, docs/accessibility.md): Ant Design's light greys, its link
 * blue and its red miss it on white and on the page's #f5f5f5, so they are a shade darker here.
 */
const READABLE = {
  // Secondary text (descriptions, form help, table sorters): #8c8c8c 3.4:1 → #666 5.7:1.
  colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
  colorTextDescription: 'rgba(0, 0, 0, 0.6)',
  // Placeholders (a select's "全部村"): #bfbfbf 1.8:1 → #757575 4.6:1.
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.54)',
  // Links: #1677ff 4.1:1 → #0958d9 6.2:1.
  colorLink: '#0958d9',
  // Errors and danger buttons: #ff4d4f 3.3:1 → #cf1322 5.6:1.
  colorError: '#cf1322',
};

/**
 * A tag's text on its pale background: one shade darker than Ant Design's (green #389e0d on
 * #f6ffed is 3.4:1, #237804 5.4:1); status tags take the same (success, processing, warning).
 */
const READABLE_TAGS = {
  colorSuccess: '#237804',
  colorInfo: '#0958d9',
  colorWarning: '#874d00',
  colorError: '#cf1322',
  green7: '#237804',
  volcano7: '#ad2102',
  orange7: '#ad4e00',
  gold7: '#874d00',
  yellow7: '#876800',
  lime7: '#3f6600',
  cyan7: '#006d75',
};

function Root() {
  const { i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const locale = useAntdLocale();
  useEffect(() => {
    document.documentElement.lang = en ? 'en' : 'zh-CN';
    document.title = en ? 'Kaohe — village assessment' : '考核 — 脱贫攻坚考核系统';
  }, [en]);
  return (
    <ConfigProvider
      locale={locale}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: {
          colorPrimary: '#b7282e',
          borderRadius: 6,
          fontFamily: '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif',
          ...READABLE,
        },
        // A field being typed in is outlined in blue: the brand red is the colour of errors there.
        components: {
          Input: FOCUS,
          InputNumber: FOCUS,
          DatePicker: FOCUS,
          Tag: READABLE_TAGS,
          Select: { activeBorderColor: FOCUS.activeBorderColor, hoverBorderColor: FOCUS.hoverBorderColor, activeOutlineColor: 'rgba(5, 145, 255, 0.15)' },
        },
      }}
    >
      <AntApp>
        <AuthProvider>
          <App />
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
// The installed app's shell works without a network once the worker has cached it (lib/pwa.ts).
void registerServiceWorker();
