// Shared helpers of the JS SDK checks: SDK set-up, a step runner and emulator diagnostics.
import { unhandledRejections } from './shim.mjs';
import Webex from 'webex';

/** Read the emulator coordinates the runner passes in the environment. */
export function emulatorEnv() {
  const u2cUrl = process.env.WEBEX_U2C_URL;
  const accessToken = process.env.WEBEX_ACCESS_TOKEN;
  if (!u2cUrl || !accessToken) {
    console.error('Set WEBEX_U2C_URL and WEBEX_ACCESS_TOKEN (see `webex-meetings emulator --json`).');
    process.exit(2);
  }
  // The control API is optional: it only adds checks and diagnostics.
  const baseUrl = process.env.WEBEX_EMULATOR_URL || new URL(u2cUrl).origin;
  // Optional: with these the SDK can refresh the token itself (Node refresh flow).
  const refreshToken = process.env.WEBEX_REFRESH_TOKEN;
  const clientId = process.env.WEBEX_CLIENT_ID;
  const clientSecret = process.env.WEBEX_CLIENT_SECRET;
  return { u2cUrl, accessToken, baseUrl, refreshToken, clientId, clientSecret };
}

/** Webex.init() pointed at the emulator, exactly as an app would do it. */
export function initWebex({ u2cUrl, accessToken, refreshToken, clientId, clientSecret }, config = {}) {
  const canRefresh = Boolean(refreshToken && clientId && clientSecret);
  return Webex.init({
    credentials: canRefresh
      ? { supertoken: { access_token: accessToken, token_type: 'Bearer', refresh_token: refreshToken } }
      : { access_token: accessToken },
    config: {
      services: { discovery: { u2c: u2cUrl } },
      logger: { level: process.env.WEBEX_LOG_LEVEL || 'error' },
      // In Node the SDK refreshes with the client secret (a browser needs a callback).
      ...(canRefresh && {
        credentials: { client_id: clientId, client_secret: clientSecret, redirect_uri: 'http://localhost/' },
      }),
      ...config,
    },
  });
}

/** POST to the emulator's control API; throws unless it answers 2xx. */
export async function controlPost(baseUrl, path, body) {
  const response = await fetch(`${baseUrl}/_emulator${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: HTTP ${response.status}`);
  return response.json();
}

/** Resolve with the first `event` on `emitter`, or reject after `ms`. */
export function once(emitter, event, ms = 10000, predicate = () => true) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, handler);
      reject(new Error(`no '${event}' event within ${ms} ms`));
    }, ms);
    function handler(...args) {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      emitter.off(event, handler);
      resolve(args[0]);
    }
    emitter.on(event, handler);
  });
}

function describeError(error) {
  if (!error) return String(error);
  const parts = [error.name ? `${error.name}: ` : '', error.message ?? String(error)];
  if (error.statusCode) parts.push(` [HTTP ${error.statusCode}]`);
  if (error.options?.uri) parts.push(` ${error.options.method ?? ''} ${error.options.uri}`);
  if (error.body) parts.push(` body=${JSON.stringify(error.body).slice(0, 400)}`);
  // SDK errors such as JoinMeetingError wrap the HTTP error that caused them.
  const cause = error.error ?? error.cause;
  if (cause && cause !== error) parts.push(` <- caused by ${describeError(cause)}`);
  return parts.join('').replace(/\s*\n\s*/g, ' | ');
}

/** Runs named steps in order, prints one line per step and a summary. */
export class Report {
  constructor(title) {
    this.title = title;
    this.results = [];
    console.log(`== ${title}`);
  }

  /** Run `fn`; a thrown error fails the step. Returns fn's value, or undefined on failure. */
  async step(name, fn, { required = true } = {}) {
    const started = performance.now();
    try {
      const detail = await fn();
      const ms = Math.round(performance.now() - started);
      this.results.push({ name, ok: true });
      console.log(`PASS  ${name} (${ms} ms)${detail?.summary ? ` - ${detail.summary}` : ''}`);
      return detail;
    } catch (error) {
      this.results.push({ name, ok: false, required });
      console.log(`${required ? 'FAIL' : 'WARN'}  ${name}: ${describeError(error)}`);
      if (process.env.WEBEX_SMOKE_STACKS) console.log(error?.stack);
      return undefined;
    }
  }

  skip(name, why) {
    this.results.push({ name, ok: true, skipped: true });
    console.log(`SKIP  ${name}: ${why}`);
  }

  /** Print the summary and return the process exit code. */
  finish() {
    const failed = this.results.filter((r) => !r.ok && r.required !== false);
    const passed = this.results.filter((r) => r.ok && !r.skipped).length;
    if (unhandledRejections.length) {
      console.log(`note  ${unhandledRejections.length} unhandled rejection(s) inside the SDK (logged above)`);
    }
    console.log(`== ${this.title}: ${passed} passed, ${failed.length} failed` +
      (failed.length ? ` (${failed.map((r) => r.name).join(', ')})` : ''));
    return failed.length ? 1 : 0;
  }
}

/** GET a control-API path of the emulator (no auth), or undefined when unreachable. */
export async function control(baseUrl, path) {
  try {
    const response = await fetch(`${baseUrl}/_emulator${path}`);
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

/** Print the requests the emulator answered with an error, to show what the SDK hit. */
export async function printEmulatorErrors(baseUrl) {
  const log = await control(baseUrl, '/requests');
  const items = log?.items ?? log ?? [];
  if (!Array.isArray(items)) return;
  const errors = items.filter((r) => (r.status ?? r.statusCode ?? 0) >= 400);
  if (!errors.length) return;
  console.log('-- requests the emulator answered with an error:');
  const seen = new Map();
  for (const r of errors) {
    const key = `${r.method} ${r.path} -> ${r.status ?? r.statusCode}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const [key, count] of seen) console.log(`   ${key}${count > 1 ? ` (x${count})` : ''}`);
}
