/** The collector's HTTP app: the batch endpoint, health, device status, staff side and kiosk files; and its one error catalogue. */
export { createCollector, DEVICE_SELF_PATH, type CollectorOptions } from './app';
export {
  ADMIN_FORBIDDEN_MESSAGE,
  ADMIN_UNAUTHORIZED_MESSAGE,
  ERROR_CODES,
  HTTP_ERRORS,
  HttpError,
  sendError,
  UNAUTHORIZED_MESSAGE,
  type ErrorDetails,
  type ErrorName,
  type ErrorPageText,
} from '../errors';
