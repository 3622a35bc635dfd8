/** Signing in: username and password; the language can be switched before signing in. */
import { useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../lib/auth.tsx';
import { ApiError, errorText } from '../lib/api.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';

/** A moment as local time, 2020-06-01 08:30:00 (without dayjs, which the sign-in page goes without). */
function localTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Until when a refused sign-in must wait (the server's details.until), if it said. */
function untilOf(e: ApiError): string | null {
  const until = (e.details as { until?: unknown } | undefined)?.until;
  return typeof until === 'string' ? until : null;
}

export function LoginPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(values.username.trim(), values.password);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError(t('auth.wrongPassword'));
      else if (e instanceof ApiError && (e.code === 'locked' || e.code === 'rate-limited') && untilOf(e)) {
        setError(t(e.code === 'locked' ? 'auth.lockedUntil' : 'auth.waitUntil', { time: localTime(untilOf(e)!) }));
      } else if (e instanceof ApiError && e.status === 429) setError(t('auth.tooManyAttempts'));
      else if (e instanceof ApiError && e.code === 'busy') setError(t('auth.busy'));
      else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-wrap">
      <Card className="login-card" data-testid="login-page">
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}>
          <h1 className="app-brand">
            <span className="app-brand-mark" aria-hidden>
              考
            </span>
            <span>{t('app.name')}</span>
            <span className="visually-hidden"> · {t('auth.signIn')}</span>
          </h1>
          <LanguageSwitch />
        </div>
        <div className="muted" style={{ marginBottom: 20 }}>
          {t('app.office')}
        </div>
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" /> : null}
        <Form layout="vertical" onFinish={onFinish} requiredMark={false} autoComplete="on">
          <Form.Item name="username" label={t('auth.username')} rules={[{ required: true, message: t('auth.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoCapitalize="none" size="large" data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="login-submit">
            {t('auth.signIn')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
