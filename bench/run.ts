// Runs every benchmark in turn; each prints its own numbers as ratios against its baseline.
const benches = ["locks", "auth", "availability", "orders", "sync", "cross-channel", "order-commands", "listing-onboarding"];
for (const name of benches) {
  const proc = Bun.spawn([process.execPath, `${import.meta.dir}/${name}/run.ts`], { stdout: "inherit", stderr: "inherit", env: process.env });
  if ((await proc.exited) !== 0) process.exit(1);
}
