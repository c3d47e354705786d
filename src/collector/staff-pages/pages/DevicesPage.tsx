/** @jsxRuntime automatic @jsxImportSource preact */
import { formatDateTime } from '../../../shared/l10n';
import { DEVICE_LABEL_MAX_LENGTH, PLACE_CODE_MAX_LENGTH } from '../../../shared/ids';
import type { DeviceRecord } from '../../stores';
import type { PageContext } from './context';
import { Page } from './Layout';

/** The register-a-device form as typed. */
export interface DeviceForm {
  label: string;
  agencyCode: string;
  counterCode: string;
}

/** The form's problems, in words, by field. */
export type DeviceFormErrors = Partial<Record<keyof DeviceForm, string>>;

function Field(props: { name: keyof DeviceForm; label: string; hint: string; value: string; error: string | undefined; maxlength: number }) {
  const { name, error } = props;
  return (
    <label>
      {props.label}
      <span class="hint" id={`${name}-hint`}>
        {props.hint}
      </span>
      <input name={name} value={props.value} maxlength={props.maxlength} required aria-describedby={`${name}-hint`} aria-invalid={error ? 'true' : undefined} />
      {error ? <span class="error">{error}</span> : null}
    </label>
  );
}

function DeviceRow({ ctx, device: d }: { ctx: PageContext; device: DeviceRecord }) {
  const { t, lang } = ctx;
  return (
    <tr class={d.revokedAt ? 'revoked' : ''}>
      <td>
        {d.label}
        <br />
        <span class="hint mono">{d.id}</span>
      </td>
      <td>
        {d.agencyCode} / {d.counterCode}
      </td>
      <td>{formatDateTime(lang, d.createdAt)}</td>
      <td>{d.revokedAt ? t('devices.revoked', { when: formatDateTime(lang, d.revokedAt) }) : <span class="ok">{t('devices.active')}</span>}</td>
      <td>
        {d.revokedAt ? null : (
          <div class="actions">
            <form method="post" action={`/admin/devices/${d.id}/rotate`} data-confirm={t('devices.rotateConfirm', { label: d.label })}>
              <button type="submit" class="secondary">
                {t('devices.rotate')}
              </button>
            </form>
            <form method="post" action={`/admin/devices/${d.id}/revoke`} data-confirm={t('devices.revokeConfirm', { label: d.label })}>
              <button type="submit" class="danger">
                {t('devices.revoke')}
              </button>
            </form>
          </div>
        )}
      </td>
    </tr>
  );
}

/** The devices page: the register form and every registered device with its actions. */
export function DevicesPage({
  ctx,
  devices,
  form = { label: '', agencyCode: '', counterCode: '' },
  errors = {},
  notice,
}: {
  ctx: PageContext;
  devices: readonly DeviceRecord[];
  form?: DeviceForm;
  errors?: DeviceFormErrors;
  notice?: string;
}) {
  const { t } = ctx;
  const invalid = Object.keys(errors).length > 0;
  return (
    <Page ctx={ctx} title={t('devices.title')} active="devices">
      <p class="lead">{t('devices.intro')}</p>
      {notice ? (
        <p class="note" role="status">
          {notice}
        </p>
      ) : null}
      <h2>{t('devices.registerHeading')}</h2>
      {invalid ? (
        <p class="error" role="alert">
          {t('devices.invalid')}
        </p>
      ) : null}
      <form class="stack" method="post" action="/admin/devices">
        <Field name="label" label={t('devices.label')} hint={t('devices.labelHint')} value={form.label} error={errors.label} maxlength={DEVICE_LABEL_MAX_LENGTH} />
        <Field name="agencyCode" label={t('devices.agency')} hint={t('devices.agencyHint')} value={form.agencyCode} error={errors.agencyCode} maxlength={PLACE_CODE_MAX_LENGTH} />
        <Field name="counterCode" label={t('devices.counter')} hint={t('devices.counterHint')} value={form.counterCode} error={errors.counterCode} maxlength={PLACE_CODE_MAX_LENGTH} />
        <div class="actions">
          <button type="submit">{t('devices.register')}</button>
        </div>
      </form>
      <h2>{t('devices.listHeading')}</h2>
      {devices.length === 0 ? (
        <p>{t('devices.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('devices.label')}</th>
              <th>{t('devices.place')}</th>
              <th>{t('devices.registeredAt')}</th>
              <th>{t('devices.status')}</th>
              <th class="no-print">{t('devices.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <DeviceRow ctx={ctx} device={d} />
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
