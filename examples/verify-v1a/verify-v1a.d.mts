/** Throws unless a `v1a` signature of the request verifies with one of the JWKS's keys and its timestamp is recent. */
export function verifyV1a(jwks: { keys: { crv?: string; x: string }[] }, headers: Record<string, unknown>, body: string, now?: number): void;
