export const ADMIN = {
  ConsoleReadModel: Symbol.for('memberpay.admin.ConsoleReadModel'),
  ConsoleAuditLog: Symbol.for('memberpay.admin.ConsoleAuditLog'),
  ConsoleDashboard: Symbol.for('memberpay.admin.ConsoleDashboard'),
  GetConsolePayment: Symbol.for('memberpay.admin.GetConsolePayment'),
} as const;
