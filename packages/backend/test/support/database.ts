import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { databaseUrl } from "./env";

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file on the real server, dropped afterwards, so files
 * and runs never see each other's rows.
 */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  if (!databaseUrl) throw new Error("createScratchDatabase needs DATABASE_URL");
  const name = `ps_t_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase().slice(0, 20)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = postgres(databaseUrl as string, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
