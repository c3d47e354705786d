/** @jsxRuntime automatic @jsxImportSource preact */
/** The devices resource: the list, registration, moving (the place), token rotation and revocation, and the token page with its QR code. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { buildProvisioningLink } from '../../../shared/wire';
import { checkDevicePlace, moveDevice, provisioningFor, registerDevice, revokeDevice, rotateDeviceToken, type DevicePlaceCheck, type DevicePlaceField } from '../../devices';
import type { DeviceRecord } from '../../stores';
import { DevicePlacePage, DevicesPage, ErrorPage, TokenPage, type DeviceForm, type DeviceFormErrors, type PageContext } from '../pages';
import type { StaffPluginOptions, StaffSide } from './staff-context';
import { placeOutsideTree, unitTree } from '../units';

/** The warning for a device placed outside a non-empty unit tree (accepted, see placeOutsideTree), or undefined. */
async function treeWarning(side: StaffSide, ctx: PageContext, place: { agencyCode: string; counterCode: string }): Promise<string | undefined> {
  const outside = placeOutsideTree(await unitTree(side.store), place.agencyCode, place.counterCode);
  if (outside === null) return undefined;
  return outside === 'unknownUnit' ? ctx.t('deviceUnits.warning', { agency: place.agencyCode }) : ctx.t('deviceUnits.counterWarning', { agency: place.agencyCode, counter: place.counterCode });
}

/** The token page with the provisioning link and its QR code. */
async function tokenPage(
  side: StaffSide,
  ctx: PageContext,
  request: FastifyRequest,
  device: DeviceRecord,
  token: string,
  rotated: boolean,
  suggested?: DevicePlaceCheck['suggested'],
  warning?: string,
) {
  const link = buildProvisioningLink(side.baseUrl(request), provisioningFor(device, token));
  const qrSvg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return <TokenPage ctx={ctx} device={device} token={token} link={link} qrSvg={qrSvg} rotated={rotated} suggested={suggested} treeWarning={warning} />;
}

const FORM_FIELDS: readonly DevicePlaceField[] = ['agencyName', 'agencyCode', 'counterName', 'counterCode', 'label'];

/**
 * Reads a registration form and checks it by the one place rule. The form shown back keeps what was
 * typed, with the codes the names suggest filled into blank code fields, so the clerk sees them.
 */
function readDeviceForm(ctx: PageContext, body: unknown): { check: DevicePlaceCheck; form: DeviceForm; errors: DeviceFormErrors } {
  const fields = (body ?? {}) as Record<string, unknown>;
  const typed = Object.fromEntries(FORM_FIELDS.map((key) => [key, typeof fields[key] === 'string' ? (fields[key] as string).slice(0, 1000) : ''])) as unknown as DeviceForm;
  const check = checkDevicePlace(typed);
  const errors: DeviceFormErrors = {};
  for (const [field, problem] of Object.entries(check.problems) as Array<[DevicePlaceField, NonNullable<DevicePlaceCheck['problems'][DevicePlaceField]>]>) {
    errors[field] =
      problem === 'invalidCode'
        ? ctx.t('places.codeInvalid')
        : problem === 'noSuggestion'
          ? ctx.t('places.codeNoSuggestion')
          : field === 'label'
            ? ctx.t('places.labelTooLong')
            : ctx.t(problem === 'required' ? 'places.nameRequired' : 'places.nameTooLong');
  }
  const form: DeviceForm = {
    ...typed,
    agencyCode: check.suggested.agencyCode ? check.details.agencyCode : typed.agencyCode.trim(),
    counterCode: check.suggested.counterCode ? check.details.counterCode : typed.counterCode.trim(),
  };
  return { check, form, errors };
}

/** The devices pages, registered under /admin. */
export const devicesPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  const { store } = side;

  pages.get('/devices', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const devices = await store.listDevices();
    const query = request.query as Record<string, unknown>;
    const named = (key: string) => (typeof query[key] === 'string' ? devices.find((d) => d.id === query[key]) : undefined);
    const revoked = named('revoked');
    const moved = named('moved');
    const notice = revoked
      ? ctx.t('devices.revokedNotice', { label: revoked.label })
      : moved
        ? ctx.t('places.movedNotice', {
            label: moved.label,
            place: `${moved.agencyName} (${moved.agencyCode}) / ${moved.counterName} (${moved.counterCode})`,
          })
        : undefined;
    // A device just moved outside the unit tree: said beside the notice (it is accepted, see placeOutsideTree).
    const warning = moved ? await treeWarning(side, ctx, moved) : undefined;
    return side.sendPage(reply, <DevicesPage ctx={ctx} devices={devices} notice={notice && warning ? `${notice} ${warning}` : notice} />);
  });

  pages.post('/devices', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const { check, form, errors } = readDeviceForm(ctx, request.body);
    if (Object.keys(errors).length > 0) {
      return side.sendPage(reply, <DevicesPage ctx={ctx} devices={await store.listDevices()} form={form} errors={errors} />, 400);
    }
    const details = check.details;
    const issued = await registerDevice(store, details);
    await side.audit(request, 'deviceRegister', 'success', { deviceId: issued.deviceId, label: details.label, agencyCode: details.agencyCode, counterCode: details.counterCode });
    const device = (await store.getDevice(issued.deviceId))!;
    return side.sendPage(reply, await tokenPage(side, ctx, request, device, issued.token, false, check.suggested, await treeWarning(side, ctx, details)));
  });

  pages.get('/devices/:id/place', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const device = await store.getDevice((request.params as { id: string }).id);
    if (!device || device.revokedAt !== null) return side.sendPage(reply, <ErrorPage ctx={ctx} message={ctx.t('errors.noDevice')} />, 404);
    return side.sendPage(reply, <DevicePlacePage ctx={ctx} device={device} />);
  });

  // Moving a tablet: one edit here, and the tablet takes its new place from the answer to its next sync.
  pages.post('/devices/:id/place', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const device = await store.getDevice((request.params as { id: string }).id);
    if (!device || device.revokedAt !== null) return side.sendPage(reply, <ErrorPage ctx={ctx} message={ctx.t('errors.noDevice')} />, 404);
    const { check, form, errors } = readDeviceForm(ctx, request.body);
    if (Object.keys(errors).length > 0) return side.sendPage(reply, <DevicePlacePage ctx={ctx} device={device} form={form} errors={errors} />, 400);
    const details = check.details;
    await moveDevice(store, device.id, details);
    await side.audit(request, 'deviceEdit', 'success', { deviceId: device.id, label: details.label, agencyCode: details.agencyCode, counterCode: details.counterCode });
    return reply.code(303).header('location', `/admin/devices?moved=${encodeURIComponent(device.id)}`).send();
  });

  pages.post('/devices/:id/rotate', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const device = await store.getDevice((request.params as { id: string }).id);
    if (!device || device.revokedAt !== null) return side.sendPage(reply, <ErrorPage ctx={ctx} message={ctx.t('errors.noDevice')} />, 404);
    const issued = await rotateDeviceToken(store, device.id);
    await side.audit(request, 'deviceRotate', 'success', { deviceId: device.id, label: device.label });
    return side.sendPage(reply, await tokenPage(side, ctx, request, device, issued.token, true));
  });

  pages.post('/devices/:id/revoke', async (request, reply) => {
    const ctx = side.pageContext(request, reply, true);
    const device = await store.getDevice((request.params as { id: string }).id);
    if (!device) return side.sendPage(reply, <ErrorPage ctx={ctx} message={ctx.t('errors.noDevice')} />, 404);
    await revokeDevice(store, device.id);
    await side.audit(request, 'deviceRevoke', 'success', { deviceId: device.id, label: device.label });
    return reply.code(303).header('location', `/admin/devices?revoked=${encodeURIComponent(device.id)}`).send();
  });
};
