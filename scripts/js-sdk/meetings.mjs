// Meetings with the official JS SDK against the emulator: meeting info, Locus join/leave.
// Signalling only (no media): join() without media, then leave(). Needs the emulator's
// meeting-info (`webex-appapi-service`) and Locus services; it skips itself when they are
// not served yet. Run with WEBEX_U2C_URL and WEBEX_ACCESS_TOKEN set.
import { Report, emulatorEnv, initWebex, once, printEmulatorErrors } from './lib.mjs';

const env = emulatorEnv();
const report = new Report('official Webex JS SDK meetings against the emulator');
const onEmulator = (url) => typeof url === 'string' && url.startsWith(env.baseUrl);

const webex = initWebex(env);

async function isServed(service, resource) {
  // An authenticated POST with an empty body: a served route answers 400-ish, an
  // unknown one the emulator's 404 "does not implement".
  const url = `${webex.internal.services.get(service)}/${resource}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.accessToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const text = await response.text();
  return !(response.status === 404 && text.includes('does not implement'));
}

const ready = await report.step('Webex.init() + postauth catalog', async () => {
  if (!webex.ready) await once(webex, 'ready');
  await webex.internal.services.waitForCatalog('postauth', 10);
  return { summary: webex.internal.services.get('webex-appapi-service') };
});

const served = ready && (await isServed('webex-appapi-service', 'meetingInfo')) &&
  (await isServed('locus', 'loci/call'));
if (!served) {
  report.skip('meetings', 'the emulator does not serve meetingInfo and loci/call yet');
  process.exit(report.finish());
}

await report.step('meetings.register()', async () => {
  await webex.meetings.register();
});

const scheduled = await report.step('schedule a meeting (POST {hydra}/meetings)', async () => {
  const start = new Date(Date.now() + 60_000);
  const end = new Date(start.getTime() + 30 * 60_000);
  const { body } = await webex.request({
    method: 'POST',
    service: 'hydra',
    resource: 'meetings',
    body: { title: 'JS SDK join check', start: start.toISOString(), end: end.toISOString() },
  });
  if (!body.sipAddress) throw new Error(`no sipAddress in ${JSON.stringify(body)}`);
  return { summary: `${body.sipAddress}, number ${body.meetingNumber}`, ...body };
});

async function createMeeting(destination, type) {
  const added = once(webex.meetings, 'meeting:added', 10000);
  const meeting = await webex.meetings.create(destination, type);
  const event = await added;
  if (event.type !== 'CREATED') throw new Error(`meeting:added type ${event.type}`);
  const info = meeting.meetingInfo ?? {};
  if (!info.permissionToken && !meeting.permissionToken) {
    throw new Error(`no permission token; meeting info ${JSON.stringify(info).slice(0, 300)}`);
  }
  return meeting;
}

let meeting;
if (scheduled) {
  meeting = await report.step(`meetings.create(sipAddress)`, async () => {
    // A SIP domain of exactly three labels makes the SDK ask that site directly
    // (https://<site>/wbxappapi/v1/meetingInfo) instead of the catalog service.
    const created = await createMeeting(scheduled.sipAddress);
    return Object.assign(created, { summary: `sipUri ${created.sipUri}, meetingInfo from ${created.meetingInfo?.meetingLookupUrl ?? created.meetingLookupUrl ?? '?'}` });
  });
  if (!meeting) {
    meeting = await report.step('meetings.create(meetingNumber, "MEETING_ID") (fallback)', async () => {
      const created = await createMeeting(scheduled.meetingNumber, 'MEETING_ID');
      return Object.assign(created, { summary: `sipUri ${created.sipUri}` });
    });
  }
}

if (meeting) {
  await report.step('meeting.join() without media', async () => {
    await meeting.join();
    if (!onEmulator(meeting.locusUrl)) throw new Error(`locusUrl ${meeting.locusUrl}`);
    const self = meeting.members?.membersCollection?.get(meeting.members.selfId);
    if (!meeting.isJoined?.() && self?.status !== 'IN_MEETING') {
      throw new Error(`not joined: meetingState ${meeting.meetingState}, self ${self?.status}`);
    }
    return { summary: `locus ${meeting.locusUrl.split('/').pop()}, state ${meeting.meetingState}, self ${self?.status}` };
  });

  await report.step('meeting.leave()', async () => {
    await meeting.leave();
    return { summary: `state ${meeting.meetingState}` };
  });
}

await report.step('meetings.unregister()', async () => {
  await webex.meetings.unregister();
});

await printEmulatorErrors(env.baseUrl);
process.exit(report.finish());
