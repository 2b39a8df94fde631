import { createHash } from 'node:crypto';

/** Failed logins per (IP, email): after this many in the window, every login is refused until it passes. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Successful signups per IP. */
export const SIGNUP_LIMIT = 100;
export const SIGNUP_WINDOW_MS = 60 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 8;

/** The email is hashed: a 254-character address must fit the counter's key like any other (and the table holds no addresses). */
export const loginFailureKey = (ip: string, email: string) => `login:${ip}:${createHash('sha256').update(email).digest('base64url')}`;
export const signupKey = (ip: string) => `signup:${ip}`;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
