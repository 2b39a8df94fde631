import type { Language } from '../../shared/domain/language';

export interface User {
  id: string;
  email: string;
  name: string;
  /** scrypt hash with its salt and parameters; never leaves the server. */
  passwordHash: string;
  /** The language of their notices and e-mails: the page's (`?lang=` or Accept-Language) at signup. */
  language: Language;
  /** Their mobile number in E.164 (+8210...), for SMS notices; absent when they gave none. */
  phone?: string;
  createdAt: Date;
}

/** A deleted account's email ends so (anonymisedUser); no one can own an address there. */
export const DELETED_DOMAIN = '@deleted.invalid';

/** What a deleted account's row keeps: its id; an email no one can own (unique per id, a reserved domain), no password that verifies, no phone. */
export function anonymisedUser(user: User): User {
  const { phone: _removed, ...kept } = user;
  return { ...kept, ...anonymisedFields(user.id) };
}

/** The fields anonymisedUser writes over, from the id alone (a store can write them without reading the row first). */
export function anonymisedFields(id: string): Pick<User, 'email' | 'name' | 'passwordHash'> {
  return { email: `deleted-${id.toLowerCase()}${DELETED_DOMAIN}`, name: '', passwordHash: '' };
}

/** The account was deleted: there is no one to write to any more. */
export function isDeletedUser(user: User): boolean {
  return user.email.endsWith(DELETED_DOMAIN);
}
