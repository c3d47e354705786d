import { useEffect, useState } from 'preact/hooks';
import type { TFunction } from '../i18n';
import {
  countByState,
  estimateStorage,
  listStaffAlerts,
  oldestPending,
  readMeta,
  type MetaValues,
  type StoredResponse,
  type SyncState,
} from '../storage';
import type { SurveyDefinition } from '../../shared/schemas/definition-schema';
import type { SyncStatus } from '../outbox';
import { PanelHeading } from './common';
import { durationInWords, formatBytes, formatDateTime } from './format';
import { syncProblemKey } from './sync-words';

/** What the staff area needs of the sync engine. */
export interface StaffSync {
  requestDrain(reason: 'staff'): Promise<void>;
  status(): SyncStatus;
}

export interface HealthPanelProps {
  t: TFunction;
  language: string;
  sync: StaffSync;
  updates: { isWaiting(): boolean };
  activeDefinition: SurveyDefinition;
  appVersion: string;
  now: () => Date;
}

interface Health {
  counts: Record<SyncState, number>;
  oldest: StoredResponse | undefined;
  lastSync: MetaValues['lastSync'] | undefined;
  persistence: MetaValues['persistence'] | undefined;
  storage: { usageBytes: number | null; quotaBytes: number | null };
  alerts: Array<{ at: string; kind: string; messageKey: string; detail: string }>;
}

async function readHealth(): Promise<Health> {
  const [counts, oldest, lastSync, persistence, storage, alerts] = await Promise.all([
    countByState(),
    oldestPending(),
    readMeta('lastSync'),
    readMeta('persistence'),
    estimateStorage(),
    listStaffAlerts(20),
  ]);
  return { counts, oldest, lastSync, persistence, storage, alerts };
}

/** The tablet's health in plain words, and "send now". */
export function HealthPanel({ t, language, sync, updates, activeDefinition, appVersion, now }: HealthPanelProps) {
  const [health, setHealth] = useState<Health | null>(null);
  const [failed, setFailed] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendResult, setSendResult] = useState<string | null>(null);

  const refresh = async (): Promise<Health | null> => {
    try {
      const next = await readHealth();
      setHealth(next);
      setFailed(false);
      return next;
    } catch {
      setFailed(true);
      return null;
    }
  };

  useEffect(() => {
    void refresh();
  }, []);

  const sendNow = async () => {
    if (sending) return;
    setSending(true);
    setSendResult(null);
    try {
      await sync.requestDrain('staff');
    } catch {
      // The engine records its own failures in its status; the panel shows them below.
    }
    const next = await refresh();
    const status = sync.status();
    const waiting = next?.counts.pending ?? 0;
    setSendResult(t(status.lastError || status.state === 'not-configured' || status.state === 'unauthorized' ? 'staff.health.syncNotDone' : 'staff.health.syncDone', { count: waiting }));
    setSending(false);
  };

  const status = sync.status();
  const at = now();
  const lastSuccess = status.lastSuccessAt ?? (health?.lastSync?.ok ? health.lastSync.at : null);
  // After a reload the engine has not tried yet; the stored outcome of the last attempt tells the story.
  const storedError = status.lastAttemptAt === null && health?.lastSync && !health.lastSync.ok ? health.lastSync.message : null;
  const problemKey = syncProblemKey(status, status.lastError ?? storedError);
  const technical = status.lastError ?? storedError;
  const responses = (count: number) => t('staff.health.responses', { count });

  return (
    <section class="staff-panel staff-health" aria-busy={health === null}>
      <PanelHeading>{t('staff.health.heading')}</PanelHeading>
      {failed && (
        <p class="staff-error" role="alert">
          {t('staff.area.loadFailed')}
        </p>
      )}
      <div class="staff-actions">
        <button type="button" class="staff-button staff-primary" disabled={sending} onClick={() => void sendNow()}>
          {sending ? t('staff.health.syncing') : t('staff.health.syncNow')}
        </button>
        <button type="button" class="staff-button" onClick={() => void refresh()}>
          {t('staff.health.refresh')}
        </button>
      </div>
      <p class="staff-ok" role="status">
        {sendResult ?? ''}
      </p>
      {health && (
        <dl class="staff-facts">
          <div class={health.counts.pending > 0 ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('staff.health.queue')}</dt>
            <dd data-testid="health-queue">{responses(health.counts.pending)}</dd>
          </div>
          <div class="staff-fact">
            <dt>{t('staff.health.oldest')}</dt>
            <dd data-testid="health-oldest">
              {health.oldest
                ? `${formatDateTime(health.oldest.completedAt, language)} – ${t('staff.health.oldestAge', { age: durationInWords(at.getTime() - Date.parse(health.oldest.completedAt), t) })}`
                : t('staff.health.oldestNone')}
            </dd>
          </div>
          <div class="staff-fact">
            <dt>{t('staff.health.lastSuccess')}</dt>
            <dd data-testid="health-last-success">
              {lastSuccess
                ? t('staff.health.ago', { time: formatDateTime(lastSuccess, language), age: durationInWords(at.getTime() - Date.parse(lastSuccess), t) })
                : t('staff.health.never')}
            </dd>
          </div>
          <div class={problemKey ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('staff.health.problem')}</dt>
            <dd data-testid="health-problem">
              {problemKey ? t(problemKey) : t('staff.health.noProblem')}
              {status.state === 'waiting-retry' && status.nextRetryAt && <> {t('staff.health.retryAt', { time: formatDateTime(status.nextRetryAt, language) })}</>}
              {problemKey && technical && (
                <details class="staff-technical">
                  <summary>{t('staff.health.technical')}</summary>
                  <code>{technical}</code>
                </details>
              )}
            </dd>
          </div>
          <div class={health.counts.conflict > 0 ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('staff.health.conflicts')}</dt>
            <dd data-testid="health-conflicts">{responses(health.counts.conflict)}</dd>
          </div>
          <div class={health.counts.rejected > 0 ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('staff.health.rejected')}</dt>
            <dd data-testid="health-rejected">{responses(health.counts.rejected)}</dd>
          </div>
          <div class="staff-fact">
            <dt>{t('staff.health.sent')}</dt>
            <dd>{responses(health.counts.sent)}</dd>
          </div>
          <div class={health.persistence && !health.persistence.persisted ? 'staff-fact staff-attention' : 'staff-fact'}>
            <dt>{t('staff.health.storage')}</dt>
            <dd data-testid="health-storage">
              {health.persistence ? t(health.persistence.persisted ? 'staff.health.persisted' : 'staff.health.notPersisted') : t('staff.health.persistenceUnknown')}{' '}
              {health.storage.usageBytes !== null && health.storage.quotaBytes !== null
                ? t('staff.health.usage', { used: formatBytes(health.storage.usageBytes, language), quota: formatBytes(health.storage.quotaBytes, language) })
                : t('staff.health.usageUnknown')}
            </dd>
          </div>
          <div class="staff-fact">
            <dt>{t('staff.health.appVersion')}</dt>
            <dd data-testid="health-app-version">{appVersion}</dd>
          </div>
          <div class="staff-fact">
            <dt>{t('staff.health.definition')}</dt>
            <dd data-testid="health-definition">
              {activeDefinition.title[language] ?? activeDefinition.title[activeDefinition.languages[0]]} ({activeDefinition.id}@{activeDefinition.version})
            </dd>
          </div>
          <div class="staff-fact">
            <dt>{t('staff.health.update')}</dt>
            <dd data-testid="health-update">{t(updates.isWaiting() ? 'staff.health.updateWaiting' : 'staff.health.updateNone')}</dd>
          </div>
        </dl>
      )}
      {health && (
        <section class="staff-alerts" aria-labelledby="staff-alerts-heading">
          <h2 id="staff-alerts-heading">{t('staff.health.alerts')}</h2>
          {health.alerts.length === 0 ? (
            <p class="staff-hint">{t('staff.health.alertsNone')}</p>
          ) : (
            <ul data-testid="health-alerts">
              {health.alerts.map((alert, i) => (
                <li key={`${alert.at}-${i}`}>
                  <strong>{formatDateTime(alert.at, language)}</strong> · {t(`staff.alertKinds.${alert.kind}`, { defaultValue: alert.kind })}:{' '}
                  {t(alert.messageKey, { defaultValue: t('staff.health.alertOther') })}
                  {alert.detail && (
                    <details class="staff-technical">
                      <summary>{t('staff.health.technical')}</summary>
                      <code>{alert.detail}</code>
                    </details>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </section>
  );
}
