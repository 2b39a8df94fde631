export const IDENTITY = {
  UserRepository: Symbol.for('memberpay.identity.UserRepository'),
} as const;
