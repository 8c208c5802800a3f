/**
 * The marketplace sandbox: the five marketplaces' seller APIs played from their documented
 * behaviour, for tests, the development demo and `bun run sandbox`. Never part of the
 * production image; the backend reaches it only through the demo's dynamic import.
 */
export { startSandbox, type RunningSandbox } from "./server";
export { sandboxOptionsFromEnv, SandboxEnvError } from "./env";
export { noFaults, defaultVariants, type Faults, type SandboxOptions, type SandboxVariants } from "./options";
export { SandboxState, type RecordedRequest } from "./state";
export type { Incoming, Reply, SandboxAccountInput, SandboxContext, SandboxMarketplace, SandboxShown } from "./module";
export { packagePayload } from "./trendyol-orders";
export { hepsiburadaSandbox } from "./hepsiburada/module";
export { isPazaramaSandbox, type PazaramaSandbox } from "./pazarama/module";
