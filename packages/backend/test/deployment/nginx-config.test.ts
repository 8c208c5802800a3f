import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/scripts/topology/topology";
import {
  NGINX_TEMPLATES_DIR,
  composeNginxSettings,
  localNginxSettings,
  nginxBinary,
  substitute,
  testNginxConfig,
  upstreamAddresses,
  upstreamServers,
  writeNginxConfig,
  type NginxSettings,
} from "../../src/scripts/topology/nginx-config";

// Issue 8: the one set of nginx templates (deployment/nginx/templates) that compose and the
// local topology both render, checked by nginx itself where it is installed.
const nginx = nginxBinary();
const openssl = Bun.which("openssl");
const noNginx = nginx ? undefined : "nginx is not installed (apt-get install nginx-light): nginx -t checks are skipped";
const noOpenssl = openssl ? undefined : "openssl is not installed: the TLS nginx -t check is skipped";
for (const reason of [noNginx, noOpenssl]) if (reason) process.stderr.write(`[skip] ${reason}\n`);

const scratch = mkdtempSync(join(tmpdir(), "ps-nginx-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let runs = 0;
const runDir = () => join(scratch, `run-${++runs}`);

/**
 * The compose defaults with what cannot work here: backend-N does not resolve, the access log
 * goes to a file, and nginx -t binds its listen ports (80/443 need root or may be taken).
 */
async function composeRender(dir: string, overrides: NginxSettings = {}) {
  const compose = composeNginxSettings();
  const servers = compose.NGINX_UPSTREAM_SERVERS ?? "";
  const loopback = upstreamAddresses(servers).map((address, i) => address.replace(/^[^:]+/, `127.0.0.${i + 1}`));
  return writeNginxConfig(dir, {
    ...compose,
    NGINX_UPSTREAM_SERVERS: upstreamServers(servers, loopback),
    NGINX_ACCESS_LOG: join(dir, "access.log"),
    NGINX_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
    NGINX_HTTPS_LISTEN: `127.0.0.1:${await freePort()}`,
    ...overrides,
  });
}

function allTemplateText(dir = NGINX_TEMPLATES_DIR): string {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".template"))
    .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"))
    .join("\n");
}

describe("nginx templates and settings", () => {
  test("every ${NGINX_...} the templates use has a default in nginx.env", () => {
    const used = new Set([...allTemplateText().matchAll(/\$\{(NGINX_[A-Z0-9_]+)\}/g)].map((m) => m[1] as string));
    expect(used.size).toBeGreaterThan(5);
    const defaults = composeNginxSettings();
    expect([...used].filter((name) => defaults[name] === undefined)).toEqual([]);
  });

  test("rendering substitutes only NGINX_ settings and leaves nginx's own variables alone", () => {
    const out = substitute("listen ${NGINX_HTTP_LISTEN}; set $x $host$request_uri; ${HOME}", { NGINX_HTTP_LISTEN: "81", HOME: "/root", host: "h" });
    expect(out).toBe("listen 81; set $x $host$request_uri; ${HOME}");
  });

  test("a setting missing from the render is an error naming it", () => {
    expect(() => substitute("listen ${NGINX_HTTP_LISTEN}; ${NGINX_NOPE}", { NGINX_HTTP_LISTEN: "80" })).toThrow("NGINX_NOPE");
  });

  test("the upstream balances least_conn over every replica with passive health, retrying idempotent requests only", async () => {
    const dir = runDir();
    await composeRender(dir);
    const conf = readFileSync(join(dir, "conf.d", "default.conf"), "utf8");
    const app = readFileSync(join(dir, "conf.d", "snippets", "pazarsync-app.conf"), "utf8");
    expect(conf).toContain("least_conn;");
    expect(conf).toContain("server 127.0.0.1:3000 max_fails=3 fail_timeout=10s; server 127.0.0.2:3000 max_fails=3 fail_timeout=10s;");
    expect(conf).toMatch(/keepalive \d+;/);
    expect(conf).toContain("client_max_body_size 1m;");
    expect(conf).toMatch(/gzip_types [^;]*application\/json/);
    expect(app).toContain("proxy_next_upstream error timeout http_502 http_503;");
    expect(app).not.toMatch(/^\s*proxy_next_upstream[^;]*non_idempotent/m);
    expect(app).toMatch(/location \^~ \/metrics \{\s*deny all;/);
  });

  test("the local topology points the upstream at its own replicas on loopback and writes no root paths", () => {
    const dir = runDir();
    const paths = writeNginxConfig(dir, localNginxSettings({ runDir: dir, port: 18999, appPorts: [3101, 3102] }));
    const main = readFileSync(paths.confPath, "utf8");
    const conf = readFileSync(join(dir, "conf.d", "default.conf"), "utf8");
    expect(conf).toContain("server 127.0.0.1:3101 max_fails=3 fail_timeout=10s; server 127.0.0.1:3102 max_fails=3 fail_timeout=10s;");
    expect(conf).toContain("listen 127.0.0.1:18999 default_server;");
    for (const line of main.split("\n").filter((l) => /(pid|_log|_path) /.test(l))) expect(line).toContain(dir);
  });
});

describe.skipIf(!!noNginx)("nginx -t", () => {
  test("accepts the compose template rendered with its defaults (TLS off)", async () => {
    const result = testNginxConfig(nginx as string, await composeRender(runDir()));
    expect(result.output).toContain("test is successful");
    expect(result.ok).toBe(true);
  });

  test("accepts the local topology's config", async () => {
    const dir = runDir();
    const settings = localNginxSettings({ runDir: dir, port: await freePort(), appPorts: [3101, 3102] });
    const result = testNginxConfig(nginx as string, writeNginxConfig(dir, settings));
    expect(result.output).toContain("test is successful");
    expect(result.ok).toBe(true);
  });

  test("with TLS on, refuses a certificate that does not exist", async () => {
    const dir = runDir();
    const result = testNginxConfig(nginx as string, await composeRender(dir, { NGINX_TLS: "on", NGINX_TLS_CERT: join(dir, "none.pem"), NGINX_TLS_KEY: join(dir, "none.key") }));
    expect(result.ok).toBe(false);
    expect(result.output).toContain("none.pem");
  });

  test.skipIf(!!noOpenssl)("with TLS on and the HTTP redirect on, accepts a throwaway self-signed certificate", async () => {
    const dir = runDir();
    const cert = join(scratch, "cert.pem");
    const key = join(scratch, "key.pem");
    const made = Bun.spawnSync(
      [openssl as string, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
      { stdout: "pipe", stderr: "pipe" },
    );
    expect(made.exitCode).toBe(0);
    const paths = await composeRender(dir, { NGINX_TLS: "on", NGINX_HTTPS_REDIRECT: "on", NGINX_TLS_CERT: cert, NGINX_TLS_KEY: key });
    const result = testNginxConfig(nginx as string, paths);
    expect(result.output).toContain("test is successful");
    expect(result.ok).toBe(true);
    expect(readFileSync(join(dir, "conf.d", "tls", "on.conf"), "utf8")).toContain(`ssl_certificate ${cert};`);
  });
});
