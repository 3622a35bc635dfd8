/** The signed-in user for the whole app: who it is, the CSRF token, signing in and out. */
import { setOfficeTimeZone } from './format.ts';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, ApiError, onUnauthenticated, setCsrfToken } from './api.ts';
import type { Session, User } from './types.ts';
import type { LoginRequest, Ok, PasswordChangeRequest, Role, SessionArea } from '../../contract/index.ts';
import { forgetOffline, keepPlace, keptPlace, keptUser, setReachable } from '../offline/runner.ts';

interface AuthState {
  /** undefined while asking the server; null when nobody is signed in. */
  user: User | null | undefined;
  signIn(username: string, password: string): Promise<User>;
  signOut(): Promise<void>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  /** Forgets the session locally (after the server said it is gone). */
  expire(): void;
  /** The least number of characters of a new password, as the server said (10 until it did). */
  passwordMinLength: number;
  /** The area the office sees and ranks (its name for the header); null: the whole database (offline: as kept at the last sign-in). */
  area: SessionArea | null;
  /** The level the whole database starts at (the registry's top: province, city, county); null: not known. */
  databaseLevel: SessionArea['level'] | null;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [passwordMinLength, setPasswordMinLength] = useState(10);
  const [area, setArea] = useState<SessionArea | null>(null);
  const [databaseLevel, setDatabaseLevel] = useState<SessionArea['level'] | null>(null);

  useEffect(() => {
    let live = true;
    api
      .get<Session>('/auth/me')
      .then((s) => {
        if (!live) return;
        setCsrfToken(s.csrfToken);
        setPasswordMinLength(s.passwordMinLength);
        setOfficeTimeZone(s.timeZone);
        setArea(s.area ?? null);
        setDatabaseLevel(s.databaseLevel ?? null);
        keepPlace({ area: s.area ?? null, databaseLevel: s.databaseLevel ?? null });
        setUser(s.user);
      })
      .catch(async (e: unknown) => {
        // No network: the user kept on the phone at the last sign-in opens the app (field work
        // offline), with the area and the level kept with them.
        const kept = e instanceof ApiError && e.status === 0 ? await keptUser() : undefined;
        const place = kept ? await keptPlace() : undefined;
        if (kept) setReachable(false);
        if (!live) return;
        if (place) {
          setArea(place.area);
          setDatabaseLevel(place.databaseLevel);
        }
        setUser(kept ?? null);
      });
    const off = onUnauthenticated(() => {
      setCsrfToken(null);
      setArea(null);
      setUser(null);
    });
    return () => {
      live = false;
      off();
    };
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const s = await api.post<Session>('/auth/login', { username, password } satisfies LoginRequest);
    setCsrfToken(s.csrfToken);
    setPasswordMinLength(s.passwordMinLength);
    setOfficeTimeZone(s.timeZone);
    setArea(s.area ?? null);
    setDatabaseLevel(s.databaseLevel ?? null);
    keepPlace({ area: s.area ?? null, databaseLevel: s.databaseLevel ?? null });
    setUser(s.user);
    return s.user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } catch (e) {
      // Signed out on the phone without a network too: what it kept is deleted all the same.
      if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 0)) throw e;
    }
    await forgetOffline();
    setCsrfToken(null);
    setArea(null);
    setUser(null);
  }, []);

  const changePassword = useCallback(
    async (currentPassword: string, newPassword: string) => {
      await api.post<Ok>('/auth/password', { currentPassword, newPassword } satisfies PasswordChangeRequest);
      if (user) setUser({ ...user, mustChangePassword: false });
    },
    [user],
  );

  const expire = useCallback(() => {
    setCsrfToken(null);
    setArea(null);
    setUser(null);
  }, []);

  const value = useMemo(
    () => ({ user, signIn, signOut, changePassword, expire, passwordMinLength, area, databaseLevel }),
    [user, signIn, signOut, changePassword, expire, passwordMinLength, area, databaseLevel],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user (pages behind the sign-in only). */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('no user signed in');
  return user;
}

/** The area of the signed-in office (its code, name and level); null: the whole database. */
export function useSessionArea(): SessionArea | null {
  return useAuth().area;
}

/**
 * A role's name as the app shows it. An office is named by the level it works at: one above the
 * county (its area's, or the whole database's when that starts at a province or a city) is 省办公室
 * or 市州办公室, not 县扶贫办.
 */
export function roleName(t: TFunction, role: Role, level: SessionArea['level'] | null | undefined): string {
  return role === 'admin' && (level === 'province' || level === 'city') ? t('roles.areaOffice', { level: t(`app.areaLevels.${level}`) }) : t(`roles.${role}`);
}

/** The signed-in user's role name (roleName): their office's area's level, else the whole database's. */
export function useRoleName(): (role: Role) => string {
  const { area, databaseLevel } = useAuth();
  const { t } = useTranslation();
  return (role) => roleName(t, role, area?.level ?? databaseLevel);
}
