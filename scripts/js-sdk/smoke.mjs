// Drives the official Webex JS SDK against the emulator: catalog, register, REST, events.
// Run with WEBEX_U2C_URL and WEBEX_ACCESS_TOKEN set (the `js_sdk` nox session does it).
import {
  Report,
  control,
  controlPost,
  emulatorEnv,
  initWebex,
  once,
  printEmulatorErrors,
} from './lib.mjs';

const env = emulatorEnv();
const report = new Report('official Webex JS SDK against the emulator');
const onEmulator = (url) => typeof url === 'string' && url.startsWith(env.baseUrl);

// A short ping interval makes the Mercury keep-alive (ping/pong) happen within the run.
const webex = initWebex(env, { mercury: { pingInterval: 1000 } });

await report.step('Webex.init() emits ready', async () => {
  if (!webex.ready) await once(webex, 'ready');
  if (!webex.canAuthorize) throw new Error('canAuthorize is false');
});

await report.step('U2C catalogs (limited + postauth) point at the emulator', async () => {
  // The catalog loads after `ready`; the SDK derives the org id from the token first.
  await webex.internal.services.waitForCatalog('postauth', 10);
  const names = ['hydra', 'wdm', 'locus', 'webex-appapi-service', 'conversation'];
  const urls = names.map((name) => [name, webex.internal.services.get(name)]);
  const wrong = urls.filter(([, url]) => !onEmulator(url));
  if (wrong.length) throw new Error(`not on the emulator: ${JSON.stringify(wrong)}`);
  return { summary: `orgId ${webex.credentials.getOrgId()}, ${urls.length} services checked` };
});

const me = await report.step('people.get("me")', async () => {
  const person = await webex.people.get('me');
  if (!person.id || !person.emails?.length) throw new Error(`odd person ${JSON.stringify(person)}`);
  return { summary: person.emails[0], person };
});

await report.step('people.get(id) (batched GET {hydra}/people/?id=...)', async () => {
  if (!me) throw new Error('no person (people.get("me") failed)');
  const person = await webex.people.get(me.person.id);
  if (person.id !== me.person.id) throw new Error(`got ${person.id}`);
  // The SDK sends cisco-no-http-redirect; the lookup must be answered without a detour.
  const log = await control(env.baseUrl, '/requests?method=GET&path=*/people/');
  const statuses = (log?.items ?? []).map((r) => r.status);
  if (statuses.some((status) => status !== 200)) throw new Error(`statuses ${statuses}`);
  return { summary: `statuses ${statuses.join(', ') || '?'}` };
});

await report.step('meetings.register() emits meetings:registered', async () => {
  const registered = once(webex.meetings, 'meetings:registered', 20000);
  await webex.meetings.register();
  await registered;
  const { device, mercury } = webex.internal;
  if (!onEmulator(device.url)) throw new Error(`device url ${device.url}`);
  if (!mercury.connected) throw new Error('Mercury is not connected');
  const devices = await control(env.baseUrl, '/devices');
  if (devices && !devices.items.some((d) => d.url === device.url)) {
    throw new Error('the emulator does not list the registered device');
  }
  return { summary: `device ${device.url.split('/').pop()}, Mercury ${mercury.socket?.url?.split('?')[0]}` };
});

await report.step('rooms.list()', async () => {
  const page = await webex.rooms.list({ max: 50 });
  if (!Array.isArray(page.items)) throw new Error('no items array');
  return { summary: `${page.items.length} room(s)` };
});

const room = await report.step('rooms.create({title})', async () => {
  const created = await webex.rooms.create({ title: `JS SDK check ${new Date().toISOString()}` });
  if (!created.id || created.type !== 'group') throw new Error(JSON.stringify(created));
  const again = await webex.rooms.get(created.id);
  if (again.id !== created.id) throw new Error('rooms.get returned another room');
  return { summary: created.id, ...created };
});

await report.step('messages.listen() + messages.create({roomId, markdown}) -> created event', async () => {
  if (!room) throw new Error('no room (rooms.create failed)');
  await webex.messages.listen();
  const markdown = `**hello** from the JS SDK ${Date.now()}`;
  const createdEvent = once(webex.messages, 'created', 10000);
  const message = await webex.messages.create({ roomId: room.id, markdown });
  if (!message.id || message.roomId !== room.id) throw new Error(JSON.stringify(message));
  const event = await createdEvent;
  if (event?.data?.id !== message.id) {
    throw new Error(`created event for ${event?.data?.id}, expected ${message.id}`);
  }
  if (event.resource !== 'messages' || event.event !== 'created') {
    throw new Error(`odd envelope ${JSON.stringify(event).slice(0, 300)}`);
  }
  webex.messages.stopListening();
  return { summary: `${message.id.slice(0, 16)}..., event from ${event.actorId === me?.person?.id ? 'me' : event.actorId}` };
});

await report.step('Mercury keep-alive: ping answered by a matching pong', async () => {
  const latency = await once(webex.internal.mercury, 'ping-pong-latency', 5000);
  // The SDK acks every frame that has an id, buffer_state and events included.
  const sockets = await control(env.baseUrl, '/mercury/connections');
  const socket = sockets?.items?.find((c) => c.deviceUrl === webex.internal.device.url);
  const unacked = socket ? socket.frames.filter((f) => !socket.acks.includes(f.id)) : [];
  if (unacked.length) throw new Error(`unacked frames ${JSON.stringify(unacked)}`);
  const acked = socket ? `, ${socket.frames.length} frame(s) acked, ${socket.pongsSent} pong(s)` : '';
  return { summary: `latency ${latency.toFixed(1)} ms${acked}` };
});

await report.step('device.refresh() (PUT <device url>, If-None-Match)', async () => {
  const before = webex.internal.device.url;
  await webex.internal.device.refresh();
  if (webex.internal.device.url !== before) throw new Error('the device url changed');
  const log = await control(env.baseUrl, '/requests?method=PUT');
  const put = log?.items?.findLast((r) => before.endsWith(r.path));
  if (log && !put) throw new Error('the emulator saw no PUT of the device');
  return { summary: put ? `HTTP ${put.status}, if-none-match ${put.headers['if-none-match'] ? 'sent' : 'absent'}` : '' };
});

await report.step('Mercury reconnects after the server drops the socket (1006)', async () => {
  const { mercury } = webex.internal;
  const offline = once(mercury, 'offline.transient', 5000);
  const online = once(mercury, 'online', 15000);
  const dropped = await controlPost(env.baseUrl, '/mercury/faults', { action: 'drop', code: 1006 });
  if (!dropped.dropped) throw new Error('the emulator had no socket to drop');
  await offline;
  await online;
  if (!mercury.connected) throw new Error('not connected after online');
  // On `online` the Meetings plugin re-syncs its meetings with GET {locus}/loci.
  let syncs = [];
  for (let i = 0; i < 30 && !syncs.length; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    syncs = (await control(env.baseUrl, '/requests?method=GET&path=*/loci'))?.items ?? [];
  }
  if (syncs.some((r) => r.status !== 200)) throw new Error(`GET {locus}/loci answered ${syncs.map((r) => r.status)}`);
  return { summary: syncs.length ? 'meetings re-synced with GET {locus}/loci (200)' : 'no re-sync seen' };
});

if (env.refreshToken) {
  await report.step('401 on an expired token -> refresh at idbroker -> replay', async () => {
    const before = webex.credentials.supertoken.access_token;
    await controlPost(env.baseUrl, '/tokens/expire', { accessToken: before });
    const page = await webex.rooms.list({ max: 1 });
    const after = webex.credentials.supertoken.access_token;
    if (after === before) throw new Error('the SDK still uses the expired token');
    if (!Array.isArray(page.items)) throw new Error('no items after the replay');
    // A second refresh makes the SDK revoke the token of the first one.
    await controlPost(env.baseUrl, '/tokens/expire', { accessToken: after });
    await webex.rooms.list({ max: 1 });
    const log = await control(env.baseUrl, '/requests?method=POST&path=*/idb/oauth2/v1/*');
    const calls = (log?.items ?? []).map((r) => `${r.path.split('/').pop()} ${r.status}`);
    return { summary: calls.join(', ') };
  });
} else {
  report.skip('token refresh', 'WEBEX_REFRESH_TOKEN/WEBEX_CLIENT_ID/WEBEX_CLIENT_SECRET not set');
}

await report.step('meetings.unregister()', async () => {
  const deviceUrl = webex.internal.device.url;
  await webex.meetings.unregister();
  if (webex.internal.mercury.connected) throw new Error('Mercury still connected');
  const devices = await control(env.baseUrl, '/devices');
  if (devices && devices.items.some((d) => d.url === deviceUrl)) {
    throw new Error('the emulator still lists the device');
  }
});

await printEmulatorErrors(env.baseUrl);
process.exit(report.finish());
