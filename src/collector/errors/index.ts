/** The one catalogue of the collector's HTTP error answers (code, status, message, details) and the one way to write them. */
export {
  ADMIN_FORBIDDEN_MESSAGE,
  ADMIN_UNAUTHORIZED_MESSAGE,
  ERROR_CODES,
  HTTP_ERRORS,
  HttpError,
  sendError,
  toHttpError,
  UNAUTHORIZED_MESSAGE,
  type DetailsArg,
  type ErrorDetails,
  type ErrorName,
  type ErrorPageText,
} from './http-errors';
