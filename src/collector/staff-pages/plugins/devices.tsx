/** @jsxRuntime automatic @jsxImportSource preact */
/** The devices resource: the list, registration, token rotation and revocation, and the token page with its QR code. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { isDeviceLabel, PLACE_CODE_MAX_LENGTH } from '../../../shared/ids';
import { buildProvisioningLink } from '../../../shared/wire';
import { registerDevice, revokeDevice, rotateDeviceToken } from '../../devices';
import type { DeviceRecord } from '../../stores';
import { DevicesPage, ErrorPage, TokenPage, type DeviceForm, type DeviceFormErrors, type PageContext } from '../pages';
import type { StaffPluginOptions, StaffSide } from './staff-context';

/**
 * A code as the registration form accepts it: 1 to 64 characters. (Deliberately not shared/ids'
 * stricter isPlaceCode: devices registered with other characters must stay registrable until the
 * place-code rule is applied to stored devices and responses as well.)
 */
function isFormCode(text: string): boolean {
  return text !== '' && text.length <= PLACE_CODE_MAX_LENGTH;
}

/** The token page with the provisioning link and its QR code. */
async function tokenPage(side: StaffSide, ctx: PageContext, request: FastifyRequest, device: DeviceRecord, token: string, rotated: boolean) {
  const link = buildProvisioningLink(side.baseUrl(request), { token, agencyCode: device.agencyCode, counterCode: device.counterCode, deviceLabel: device.label });
  const qrSvg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return <TokenPage ctx={ctx} device={device} token={token} link={link} qrSvg={qrSvg} rotated={rotated} />;
}

/** The devices pages, registered under /admin. */
export const devicesPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  const { store } = side;

  pages.get('/devices', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const devices = await store.listDevices();
    const revokedId = (request.query as Record<string, unknown>).revoked;
    const revoked = typeof revokedId === 'string' ? devices.find((d) => d.id === revokedId) : undefined;
    return side.sendPage(reply, <DevicesPage ctx={ctx} devices={devices} notice={revoked ? ctx.t('devices.revokedNotice', { label: revoked.label }) : undefined} />);
  });

  pages.post('/devices', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).trim() : '');
    const form: DeviceForm = { label: text('label'), agencyCode: text('agencyCode'), counterCode: text('counterCode') };
    const errors: DeviceFormErrors = {};
    if (!isDeviceLabel(form.label)) errors.label = ctx.t('devices.labelError');
    if (!isFormCode(form.agencyCode)) errors.agencyCode = ctx.t('devices.agencyError');
    if (!isFormCode(form.counterCode)) errors.counterCode = ctx.t('devices.counterError');
    if (Object.keys(errors).length > 0) {
      return side.sendPage(reply, <DevicesPage ctx={ctx} devices={await store.listDevices()} form={form} errors={errors} />, 400);
    }
    const issued = await registerDevice(store, form);
    const device = (await store.getDevice(issued.deviceId))!;
    return side.sendPage(reply, await tokenPage(side, ctx, request, device, issued.token, false));
  });

  pages.post('/devices/:id/rotate', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const device = await store.getDevice((request.params as { id: string }).id);
    if (!device || device.revokedAt !== null) return side.sendPage(reply, <ErrorPage ctx={ctx} message={ctx.t('errors.noDevice')} />, 404);
    const issued = await rotateDeviceToken(store, device.id);
    return side.sendPage(reply, await tokenPage(side, ctx, request, device, issued.token, true));
  });

  pages.post('/devices/:id/revoke', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const device = await store.getDevice((request.params as { id: string }).id);
    if (!device) return side.sendPage(reply, <ErrorPage ctx={ctx} message={ctx.t('errors.noDevice')} />, 404);
    await revokeDevice(store, device.id);
    return reply.code(303).header('location', `/admin/devices?revoked=${encodeURIComponent(device.id)}`).send();
  });
};
