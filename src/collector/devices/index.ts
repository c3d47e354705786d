/** Kiosk devices: registration and its place rule, one-time tokens (only their hashes stored), rotation, moving, revocation, authentication. */
export * from './devices';
export * from './device-place';
export { bearerToken, hashSecret, mintToken, newDeviceId, parseToken, secretMatches, TOKEN_SECRET_BYTES } from './tokens';
