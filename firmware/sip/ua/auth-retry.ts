/** Answering a 401/407 challenge on a request we sent. */
import { computeDigestResponse, selectChallenge } from '../auth/digest.js';
import type { SipRequest, SipResponse } from '../message/types.js';

export interface Credentials {
  username: string;
  password: string;
}

/**
 * The header to add to the retried request, or undefined when the response carries no challenge
 * we can answer. `previousNonce` lets the caller stop after a rejected answer (same nonce, not stale).
 */
export function answerChallenge(
  request: SipRequest,
  response: SipResponse,
  creds: Credentials,
  cnonce: string,
  previousNonce?: string,
): { name: 'Authorization' | 'Proxy-Authorization'; value: string; nonce: string } | undefined {
  const proxy = response.status === 407;
  const values = response.headers.getAll(proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate');
  const challenge = selectChallenge(values);
  if (!challenge) return undefined;
  if (previousNonce !== undefined && challenge.nonce === previousNonce && !challenge.stale) return undefined;
  const { header } = computeDigestResponse({
    challenge,
    method: request.method,
    uri: request.uri,
    username: creds.username,
    password: creds.password,
    body: request.body,
    cnonce,
    nc: 1,
  });
  return { name: proxy ? 'Proxy-Authorization' : 'Authorization', value: header, nonce: challenge.nonce };
}
