/** Failed logins per (IP, email): after this many in the window, every login is refused until it passes. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Successful signups per IP. */
export const SIGNUP_LIMIT = 100;
export const SIGNUP_WINDOW_MS = 60 * 60 * 1000;
export const MIN_PASSWORD_LENGTH = 8;

export const loginFailureKey = (ip: string, email: string) => `login:${ip}:${email}`;
export const signupKey = (ip: string) => `signup:${ip}`;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
