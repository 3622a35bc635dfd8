/** The web application's entry: languages, Ant Design's locale and theme, the signed-in user, the app. */
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { App as AntApp, ConfigProvider, theme } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import './i18n/index.ts';
import './styles.css';
import { AuthProvider } from './lib/auth.tsx';
import { App } from './App.tsx';

/** Fields' hover and focus outline (the brand red, colorPrimary, would read as an error). */
const FOCUS = { activeBorderColor: '#1677ff', hoverBorderColor: '#4096ff', activeShadow: '0 0 0 2px rgba(5, 145, 255, 0.15)' };

function Root() {
  const { i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  useEffect(() => {
    dayjs.locale(en ? 'en' : 'zh-cn');
    document.documentElement.lang = en ? 'en' : 'zh-CN';
    document.title = en ? 'Kaohe — village assessment' : '考核 — 脱贫攻坚考核系统';
  }, [en]);
  return (
    <ConfigProvider
      locale={en ? enUS : zhCN}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: {
          colorPrimary: '#b7282e',
          borderRadius: 6,
          fontFamily: '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif',
        },
        // A field being typed in is outlined in blue: the brand red is the colour of errors there.
        components: {
          Input: FOCUS,
          InputNumber: FOCUS,
          DatePicker: FOCUS,
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
