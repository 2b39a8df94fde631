import type { PasswordHasher } from '../../src/identity/application/password-hasher.port';

/** Hashes as `h:<password>`; `hold()` keeps every hash and verification waiting until `release()`, as a slow scrypt would. */
export class HeldHasher implements PasswordHasher {
  hashed: string[] = [];
  verified: string[] = [];
  private gate: Promise<void> | null = null;
  private open: () => void = () => undefined;

  async hash(password: string): Promise<string> {
    this.hashed.push(password);
    if (this.gate) await this.gate;
    return `h:${password}`;
  }

  async verify(password: string, storedHash: string): Promise<boolean> {
    this.verified.push(password);
    if (this.gate) await this.gate;
    return storedHash === `h:${password}`;
  }

  hold(): void {
    this.gate = new Promise((resolve) => { this.open = resolve; });
  }

  release(): void {
    this.gate = null;
    this.open();
  }
}

/** Lets every pending callback run (each async step of a use case is a few microtasks). */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
