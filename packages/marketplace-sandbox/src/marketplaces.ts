/**
 * The sandbox's marketplaces besides Trendyol: one factory per marketplace (see module.ts). A
 * new marketplace registers here with one line.
 */
import type { MarketplaceName } from "@pazarsync/backend/src/domains/marketplace/types";
import type { SandboxMarketplaceFactory } from "./module";
import { createPttavmSandbox } from "./pttavm/module";
import { createN11Sandbox } from "./n11/module";
import { createHepsiburadaSandbox } from "./hepsiburada/module";
import { createPazaramaSandbox } from "./pazarama/module";

export const SANDBOX_MARKETPLACES: Partial<Record<MarketplaceName, SandboxMarketplaceFactory>> = {
  PTTAVM: createPttavmSandbox,
  N11: createN11Sandbox,
  HEPSIBURADA: createHepsiburadaSandbox,
  PAZARAMA: createPazaramaSandbox,
};
