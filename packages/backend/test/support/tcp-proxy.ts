/**
 * A TCP proxy the test owns, between the app and a real Postgres or Redis: cutting it is an
 * outage for that app only, never for the machine's servers or other test files.
 *
 * - "reset": open connections are destroyed and new ones are closed at once (a server that died);
 * - "blackhole": open connections are destroyed and new ones are accepted but never answered
 *   (a network partition: the client waits for its own timeouts).
 */
import { createServer, connect, type Server, type Socket } from "node:net";

export type CutMode = "reset" | "blackhole";

export interface TcpProxy {
  readonly port: number;
  /** The target URL with host and port replaced by the proxy's (`redis://…`, `postgres://…`). */
  url(targetUrl: string): string;
  cut(mode?: CutMode): void;
  restore(): void;
  readonly state: "open" | CutMode;
  /** Connections accepted since the start (a reconnecting client opens more). */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let state: "open" | CutMode = "open";
  let accepted = 0;
  const live = new Set<Socket>();

  const track = (socket: Socket) => {
    live.add(socket);
    socket.on("close", () => live.delete(socket));
    socket.on("error", () => socket.destroy());
  };

  const server: Server = createServer((client) => {
    accepted += 1;
    track(client);
    if (state === "reset") {
      client.destroy();
      return;
    }
    if (state === "blackhole") {
      client.pause();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("tcp proxy has no port");
  const port = address.port;

  return {
    port,
    url(targetUrl) {
      const parsed = new URL(targetUrl);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(port);
      return parsed.toString();
    },
    cut(mode = "reset") {
      state = mode;
      for (const socket of live) socket.destroy();
    },
    restore() {
      for (const socket of live) socket.destroy();
      state = "open";
    },
    get state() {
      return state;
    },
    get accepted() {
      return accepted;
    },
    async close() {
      for (const socket of live) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Host and port of a redis:// or postgres:// URL (the proxy's target). */
export function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || "127.0.0.1", port: parsed.port ? Number(parsed.port) : defaultPort };
}
