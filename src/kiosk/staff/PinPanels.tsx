import { useEffect, useState } from 'preact/hooks';
import type { StaffT } from './staff-i18n';
import { FieldNotes, PanelHeading, describedBy } from './common';
import { waitInWords } from './format';
import { FREE_ATTEMPTS, PIN_PATTERN, currentLock, pinCryptoAvailable, setStaffPin, verifyStaffPin } from './pin';

const ONE_SECOND_MS = 1000;

/** PIN entry: checks the PIN and shows the lock with its countdown (the lock itself is stored). */
export function PinEntry({ t, now, onUnlocked }: { t: StaffT; now: () => Date; onUnlocked: () => void }) {
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [lockedUntil, setLockedUntil] = useState<Date | null>(null);
  const [, setTick] = useState(0);

  useEffect(() => {
    void currentLock(now()).then(setLockedUntil);
  }, []);

  useEffect(() => {
    if (!lockedUntil) return;
    const timer = setInterval(() => {
      if (now().getTime() >= lockedUntil.getTime()) setLockedUntil(null);
      else setTick((n) => n + 1);
    }, ONE_SECOND_MS);
    return () => clearInterval(timer);
  }, [lockedUntil]);

  const locked = lockedUntil !== null && lockedUntil.getTime() > now().getTime();
  const available = pinCryptoAvailable();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy || locked) return;
    if (!PIN_PATTERN.test(pin)) {
      setError(t('pin.format'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await verifyStaffPin(pin, now());
      setPin(''); // the typed PIN does not stay on screen or in memory
      if (result.kind === 'ok' || result.kind === 'no-pin') {
        onUnlocked();
        return;
      }
      setLockedUntil(result.lockedUntil);
      if (result.kind === 'wrong') {
        const left = FREE_ATTEMPTS - result.failures;
        setError(result.lockedUntil || left <= 0 ? t('pin.wrong') : `${t('pin.wrong')} ${t('pin.triesLeft', { count: left })}`);
      } else {
        setError(null);
      }
    } catch {
      setError(t('area.loadFailed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="staff-panel staff-pin" onSubmit={(event) => void submit(event)} noValidate>
      <PanelHeading>{t('pin.enterHeading')}</PanelHeading>
      <p class="staff-intro">{t('pin.enterIntro')}</p>
      {!available && (
        <p class="staff-error" role="alert">
          {t('pin.cryptoUnavailable')}
        </p>
      )}
      <label class="staff-label" for="staff-pin">
        {t('pin.label')}
      </label>
      <input
        id="staff-pin"
        class="staff-input staff-pin-input"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={8}
        value={pin}
        disabled={locked || !available}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy('staff-pin', false, !!error)}
        onInput={(event) => setPin((event.currentTarget as HTMLInputElement).value.replace(/\D/g, ''))}
      />
      <FieldNotes id="staff-pin" error={error ?? undefined} />
      {locked && lockedUntil && (
        <p class="staff-error" role="alert">
          {t('pin.locked', { time: waitInWords(lockedUntil.getTime() - now().getTime(), t) })}
        </p>
      )}
      <button type="submit" class="staff-button staff-primary" disabled={busy || locked || !available}>
        {busy ? t('pin.checking') : t('pin.submit')}
      </button>
    </form>
  );
}

/** Choosing a PIN (first run, or a change): typed twice, stored only as a hash. */
export function PinCreate({ t, mode, iterations, onSaved }: { t: StaffT; mode: 'create' | 'change'; iterations?: number; onSaved: () => void }) {
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [errors, setErrors] = useState<{ first?: string; second?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const available = pinCryptoAvailable();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setSaved(false);
    if (!PIN_PATTERN.test(first)) return setErrors({ first: t('pin.format') });
    if (first !== second) return setErrors({ second: t('pin.mismatch') });
    setErrors({});
    setBusy(true);
    try {
      await setStaffPin(first, iterations);
      setFirst('');
      setSecond('');
      setSaved(true);
      onSaved();
    } catch {
      setErrors({ form: t('pin.saveFailed') });
    } finally {
      setBusy(false);
    }
  };

  const digits = (set: (value: string) => void) => (event: Event) => set((event.currentTarget as HTMLInputElement).value.replace(/\D/g, ''));

  return (
    <form class="staff-panel staff-pin" onSubmit={(event) => void submit(event)} noValidate>
      <PanelHeading>{t(mode === 'create' ? 'pin.createHeading' : 'pin.changeHeading')}</PanelHeading>
      <p class="staff-intro">{t(mode === 'create' ? 'pin.createIntro' : 'pin.changeIntro')}</p>
      {!available && (
        <p class="staff-error" role="alert">
          {t('pin.cryptoUnavailable')}
        </p>
      )}
      <label class="staff-label" for="staff-pin-new">
        {t('pin.new')}
      </label>
      <input
        id="staff-pin-new"
        class="staff-input staff-pin-input"
        type="password"
        inputMode="numeric"
        autoComplete="new-password"
        maxLength={8}
        value={first}
        aria-invalid={errors.first ? 'true' : undefined}
        aria-describedby={describedBy('staff-pin-new', true, !!errors.first)}
        onInput={digits(setFirst)}
      />
      <FieldNotes id="staff-pin-new" hint={t('pin.format')} error={errors.first} />
      <label class="staff-label" for="staff-pin-repeat">
        {t('pin.repeat')}
      </label>
      <input
        id="staff-pin-repeat"
        class="staff-input staff-pin-input"
        type="password"
        inputMode="numeric"
        autoComplete="new-password"
        maxLength={8}
        value={second}
        aria-invalid={errors.second ? 'true' : undefined}
        aria-describedby={describedBy('staff-pin-repeat', false, !!errors.second)}
        onInput={digits(setSecond)}
      />
      <FieldNotes id="staff-pin-repeat" error={errors.second} />
      {errors.form && (
        <p class="staff-error" role="alert">
          {errors.form}
        </p>
      )}
      {saved && mode === 'change' && (
        <p class="staff-ok" role="status">
          {t('pin.saved')}
        </p>
      )}
      <button type="submit" class="staff-button staff-primary" disabled={busy || !available}>
        {busy ? t('pin.saving') : t('pin.save')}
      </button>
    </form>
  );
}
