import { generate, generateSecret, generateURI, verify } from 'otplib';

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: 'Consort', label: email, secret });
}

/** Current code for a secret (tests and the CLI use it; users use their authenticator app). */
export function totpCode(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

/**
 * Checks a code at time `at`, allowing one 30-second step of clock drift either side, and never the same
 * or an older step than `afterStep` (a code is accepted once). Returns the accepted step.
 */
export async function checkTotp(
  secret: string,
  code: string,
  at: Date,
  afterStep: number | null,
): Promise<{ kind: 'valid'; step: number } | { kind: 'invalid' }> {
  if (!/^\d{6}$/.test(code)) return { kind: 'invalid' };
  const epoch = Math.floor(at.getTime() / 1000);
  const r = await verify({
    secret,
    token: code,
    epoch,
    epochTolerance: 30,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  return r.valid ? { kind: 'valid', step: Math.floor(epoch / 30) + r.delta } : { kind: 'invalid' };
}
