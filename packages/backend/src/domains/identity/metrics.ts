import { Gauge, type Registry } from "prom-client";

/**
 * Accounts whose emails look like another account's, left as they are for an operator: set by each
 * reconcile run (every start) and by each admin listing. Every replica reads the same table, so
 * dashboards take the max over replicas, not the sum; anything above zero waits for a person.
 */
export function createIdentityMetrics(registry: Registry) {
  return {
    emailLookalikes: new Gauge({
      name: "identity_email_lookalike_accounts",
      help: "Accounts left unmerged because their email equals or looks like an older account's (GET /api/v1/admin/email-lookalikes lists them)",
      registers: [registry],
    }),
  };
}

export type IdentityMetrics = ReturnType<typeof createIdentityMetrics>;
