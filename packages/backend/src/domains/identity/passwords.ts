export interface PasswordCost {
  memoryCostKib: number;
  timeCost: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /**
   * Spends the same work as a real verification and answers false: a login for an unknown email
   * takes as long as one with a wrong password, so timing does not reveal who has an account.
   */
  verifyAgainstNobody(password: string): Promise<false>;
}

export function createPasswordHasher(cost: PasswordCost): PasswordHasher {
  const options = { algorithm: "argon2id", memoryCost: cost.memoryCostKib, timeCost: cost.timeCost } as const;
  let decoy: Promise<string> | undefined;
  return {
    hash: (password) => Bun.password.hash(password, options),
    verify: (password, hash) => Bun.password.verify(password, hash, "argon2id"),
    async verifyAgainstNobody(password) {
      decoy ??= Bun.password.hash(crypto.randomUUID(), options);
      await Bun.password.verify(password, await decoy, "argon2id");
      return false;
    },
  };
}
