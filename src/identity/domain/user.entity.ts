export interface User {
  id: string;
  email: string;
  name: string;
  /** scrypt hash with its salt and parameters; never leaves the server. */
  passwordHash: string;
  createdAt: Date;
}
