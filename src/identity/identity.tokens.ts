export const IDENTITY = {
  UserRepository: Symbol.for('memberpay.identity.UserRepository'),
  PasswordHasher: Symbol.for('memberpay.identity.PasswordHasher'),
  SignUp: Symbol.for('memberpay.identity.SignUp'),
  LogIn: Symbol.for('memberpay.identity.LogIn'),
  LogOut: Symbol.for('memberpay.identity.LogOut'),
  GetAccount: Symbol.for('memberpay.identity.GetAccount'),
  DeleteAccount: Symbol.for('memberpay.identity.DeleteAccount'),
  ExportAccount: Symbol.for('memberpay.identity.ExportAccount'),
  RetainedRecordStore: Symbol.for('memberpay.identity.RetainedRecordStore'),
} as const;
