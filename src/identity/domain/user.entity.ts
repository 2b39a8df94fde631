import type { Language } from '../../shared/domain/language';

export interface User {
  id: string;
  email: string;
  name: string;
  /** scrypt hash with its salt and parameters; never leaves the server. */
  passwordHash: string;
  /** The language of their notices and e-mails: the page's (`?lang=` or Accept-Language) at signup. */
  language: Language;
  createdAt: Date;
}
