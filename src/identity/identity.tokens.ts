export const IDENTITY = {
  UserRepository: Symbol.for('memberpay.identity.UserRepository'),
  PasswordHasher: Symbol.for('memberpay.identity.PasswordHasher'),
  SignUp: Symbol.for('memberpay.identity.SignUp'),
  LogIn: Symbol.for('memberpay.identity.LogIn'),
  LogOut: Symbol.for('memberpay.identity.LogOut'),
  ConfirmPassword: Symbol.for('memberpay.identity.ConfirmPassword'),
} as const;
