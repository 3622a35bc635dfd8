/** Changing one's password; forced (without the menu) while the account has a one-time password. */
import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth, useRoleName, useUser } from '../lib/auth.tsx';
import { ApiError, errorText } from '../lib/api.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { PageHeader } from '../components/common.tsx';
import { navigate, pathTo } from '../lib/router.tsx';
import { homeFor } from '../lib/roles.ts';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function ChangePasswordPage({ forced }: { forced?: boolean }) {
  const { t } = useTranslation();
  const user = useUser();
  const roleName = useRoleName();
  const { changePassword, signOut, passwordMinLength } = useAuth();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await changePassword(v.currentPassword, v.newPassword);
      message.success(t('auth.passwordChanged'));
      form.resetFields();
      if (forced) navigate(pathTo(homeFor(user.role)), { replace: true });
    } catch (e) {
      if (e instanceof ApiError && /currentPassword/.test(e.message)) setError(t('auth.currentWrong'));
      else if (e instanceof ApiError && e.code === 'weak-password') {
        const d = e.details as { reason?: string; minLength?: number } | undefined;
        setError(t(`auth.weak.${d?.reason ?? 'common'}`, { min: d?.minLength ?? passwordMinLength }));
      } else if (e instanceof ApiError && e.code === 'busy') setError(t('auth.busy'));
      else setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const body = (
    <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} style={{ maxWidth: 380 }}>
      {forced ? <Alert type="info" showIcon title={t('auth.mustChange')} style={{ marginBottom: 16 }} data-testid="must-change-password" /> : null}
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="password-error" /> : null}
      <Form.Item name="currentPassword" label={t('auth.currentPassword')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
        <Input.Password autoComplete="current-password" data-testid="password-current" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('auth.newPassword')}
        extra={t('auth.newPasswordHelp', { min: passwordMinLength })}
        rules={[
          { required: true, message: t('auth.passwordRequired') },
          { min: passwordMinLength, message: t('auth.weak.too-short', { min: passwordMinLength }) },
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="password-new" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('auth.confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('auth.passwordRequired') },
          ({ getFieldValue }) => ({
            validator: (_, value) => (!value || getFieldValue('newPassword') === value ? Promise.resolve() : Promise.reject(new Error(t('auth.confirmMismatch')))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="password-confirm" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="password-submit">
        {t('auth.changePassword')}
      </Button>
      {forced ? (
        <Button type="link" onClick={() => void signOut()} data-testid="logout">
          {t('auth.signOut')}
        </Button>
      ) : null}
    </Form>
  );

  if (!forced) {
    return (
      <>
        <PageHeader title={t('auth.changePassword')} sub={`${user.displayName ?? user.username} · ${roleName(user.role)}`} />
        <Card>{body}</Card>
      </>
    );
  }
  return (
    <div className="login-wrap">
      <Card className="login-card" title={<h1 className="card-title">{t('auth.changePassword')}</h1>} extra={<LanguageSwitch />} data-testid="password-page">
        <div className="muted" style={{ marginBottom: 12 }}>
          {user.displayName ?? user.username} · {roleName(user.role)}
        </div>
        {body}
      </Card>
    </div>
  );
}
