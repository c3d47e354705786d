/** @jsxRuntime automatic @jsxImportSource preact */
import { formatDateTime } from '../../../shared/l10n';
import { DEVICE_LABEL_MAX_LENGTH, PLACE_CODE_MAX_LENGTH, PLACE_NAME_MAX_LENGTH } from '../../../shared/ids';
import type { DeviceRecord } from '../../stores';
import type { PageContext } from './context';
import { Page } from './Layout';

/** A device's registration as typed: names, and codes that may be left blank to be suggested. */
export interface DeviceForm {
  agencyName: string;
  agencyCode: string;
  counterName: string;
  counterCode: string;
  label: string;
}

/** The form's problems, in words, by field. */
export type DeviceFormErrors = Partial<Record<keyof DeviceForm, string>>;

/** An empty registration form. */
export const EMPTY_DEVICE_FORM: DeviceForm = { agencyName: '', agencyCode: '', counterName: '', counterCode: '', label: '' };

/** A device's registration as its edit form opens. */
export function deviceFormOf(device: DeviceRecord): DeviceForm {
  const { agencyName, agencyCode, counterName, counterCode, label } = device;
  return { agencyName, agencyCode, counterName, counterCode, label };
}

function Field(props: {
  name: keyof DeviceForm;
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  maxlength: number;
  required?: boolean;
  code?: boolean;
}) {
  const { name, error } = props;
  return (
    <label>
      {props.label}
      <span class="hint" id={`${name}-hint`}>
        {props.hint}
      </span>
      <input
        name={name}
        value={props.value}
        maxlength={props.maxlength}
        required={props.required}
        class={props.code ? 'mono' : undefined}
        autocapitalize={props.code ? 'characters' : undefined}
        spellcheck={props.code ? false : undefined}
        aria-describedby={`${name}-hint`}
        aria-invalid={error ? 'true' : undefined}
      />
      {error ? <span class="error">{error}</span> : null}
    </label>
  );
}

/** The fields of a registration, shared by the register form and the edit (move) form. */
function PlaceFields({ ctx, form, errors }: { ctx: PageContext; form: DeviceForm; errors: DeviceFormErrors }) {
  const { t } = ctx;
  return (
    <>
      <Field name="agencyName" label={t('places.agencyName')} hint={t('places.agencyNameHint')} value={form.agencyName} error={errors.agencyName} maxlength={PLACE_NAME_MAX_LENGTH} required />
      <Field name="agencyCode" label={t('places.agencyCode')} hint={`${t('places.agencyCodeHint')} ${t('places.codeRule')}`} value={form.agencyCode} error={errors.agencyCode} maxlength={PLACE_CODE_MAX_LENGTH} code />
      <Field name="counterName" label={t('places.counterName')} hint={t('places.counterNameHint')} value={form.counterName} error={errors.counterName} maxlength={PLACE_NAME_MAX_LENGTH} required />
      <Field name="counterCode" label={t('places.counterCode')} hint={`${t('places.counterCodeHint')} ${t('places.codeRule')}`} value={form.counterCode} error={errors.counterCode} maxlength={PLACE_CODE_MAX_LENGTH} code />
      <Field name="label" label={t('devices.label')} hint={t('places.labelHint')} value={form.label} error={errors.label} maxlength={DEVICE_LABEL_MAX_LENGTH} />
    </>
  );
}

/** A place as people read it: names first, codes beside them (devices registered before names show codes only). */
export function PlaceText({ ctx, name, code }: { ctx: PageContext; name: string; code: string }) {
  return (
    <>
      {name || <span class="hint">{ctx.t('places.noName')}</span>} <span class="hint mono">{code}</span>
    </>
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
        <PlaceText ctx={ctx} name={d.agencyName} code={d.agencyCode} />
        <br />
        <PlaceText ctx={ctx} name={d.counterName} code={d.counterCode} />
      </td>
      <td>{formatDateTime(lang, d.createdAt)}</td>
      <td>{d.revokedAt ? t('devices.revoked', { when: formatDateTime(lang, d.revokedAt) }) : <span class="ok">{t('devices.active')}</span>}</td>
      <td>
        {d.revokedAt ? null : (
          <div class="actions">
            <a class="button secondary" href={`/admin/devices/${d.id}/place`}>
              {t('places.edit')}
            </a>
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
  form = EMPTY_DEVICE_FORM,
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
        <PlaceFields ctx={ctx} form={form} errors={errors} />
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

/** The edit form of one device's place: moving a tablet is this one edit. */
export function DevicePlacePage({ ctx, device, form = deviceFormOf(device), errors = {} }: { ctx: PageContext; device: DeviceRecord; form?: DeviceForm; errors?: DeviceFormErrors }) {
  const { t } = ctx;
  const invalid = Object.keys(errors).length > 0;
  return (
    <Page ctx={ctx} title={t('places.editTitle', { label: device.label })} active="devices">
      <p class="lead">{t('places.editIntro')}</p>
      {invalid ? (
        <p class="error" role="alert">
          {t('places.invalid')}
        </p>
      ) : null}
      <form class="stack" method="post" action={`/admin/devices/${device.id}/place`}>
        <PlaceFields ctx={ctx} form={form} errors={errors} />
        <div class="actions">
          <button type="submit">{t('places.save')}</button>
          <a class="button secondary" href="/admin/devices">
            {t('token.back')}
          </a>
        </div>
      </form>
    </Page>
  );
}
